import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

interface Attempts {
  failures: number;
  /** When the failures are forgotten, or when the lock ends once there is one (ms). */
  until: number;
  locked: boolean;
}

/** Beyond this many records, expired ones are swept before another is added. */
const SWEEP_ABOVE = 10_000;

/**
 * Failed logins in a row, per account (`user:<id>`) or, for a name no account has,
 * per name (`login:<name>`), so that both lock alike and a lock tells nothing about whether an
 * account exists. After LOGIN_MAX_FAILURES the key is locked for LOCKOUT_MINUTES.
 * Kept in this process's memory.
 */
@Injectable()
export class LoginAttemptsService {
  private readonly records = new Map<string, Attempts>();

  constructor(private readonly config: AppConfig) {}

  /** Seconds until the key's lock ends; 0 when it is not locked. */
  lockedFor(key: string, now = Date.now()): number {
    const record = this.current(key, now);
    return record?.locked ? Math.ceil((record.until - now) / 1000) : 0;
  }

  recordFailure(key: string, now = Date.now()): void {
    const { maxLoginFailures, lockoutSeconds } = this.config.bruteForce;
    const record = this.current(key, now) ?? { failures: 0, until: 0, locked: false };
    record.failures += 1;
    record.locked = record.failures >= maxLoginFailures;
    record.until = now + lockoutSeconds * 1000;
    if (!this.records.has(key) && this.records.size >= SWEEP_ABOVE) this.sweep(now);
    this.records.set(key, record);
  }

  /** A good login, or an administrator re-enabling the account, starts the count again. */
  clear(key: string): void {
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

export const accountKey = (userId: number) => `user:${userId}`;
export const loginNameKey = (name: string) => `login:${name.toLowerCase()}`;
