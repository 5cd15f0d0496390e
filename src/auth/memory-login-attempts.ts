import type { AppConfig } from '../config/app-config';
import { LoginAttempts } from './login-attempts';

interface Attempts {
  count: number;
  /** When the attempts are forgotten, or when the lock ends once there is one (ms). */
  until: number;
  locked: boolean;
}

/** Beyond this many records, expired ones are swept before another is added. */
const SWEEP_ABOVE = 10_000;

/** LoginAttempts in this process's memory: right for a single instance. */
export class MemoryLoginAttempts extends LoginAttempts {
  private readonly records = new Map<string, Attempts>();

  constructor(private readonly config: AppConfig) {
    super();
  }

  async attempt(key: string, now = Date.now()): Promise<number> {
    const record = this.current(key, now);
    if (record?.locked) return Math.ceil((record.until - now) / 1000);
    const { maxLoginFailures, lockoutSeconds } = this.config.bruteForce;
    const next = record ?? { count: 0, until: 0, locked: false };
    next.count += 1;
    next.locked = next.count >= maxLoginFailures;
    next.until = now + lockoutSeconds * 1000;
    if (!record && this.records.size >= SWEEP_ABOVE) this.sweep(now);
    this.records.set(key, next);
    return 0;
  }

  async clear(key: string): Promise<void> {
    this.records.delete(key);
  }

  private current(key: string, now: number): Attempts | undefined {
    const record = this.records.get(key);
    if (record && record.until <= now) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  private sweep(now: number): void {
    for (const [key, record] of this.records) if (record.until <= now) this.records.delete(key);
  }
}
