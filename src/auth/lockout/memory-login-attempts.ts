import type { AppConfig } from '../../config/app-config';
import { AttemptOutcome, BUSY, LoginAttempts, PENDING_MS, RESERVED } from './login-attempts';

/** One count of a name: name-wide, or from one address. Times in ms. */
interface Count {
  failures: number;
  /** When the failures are forgotten: a lockout window after the last. */
  forgetAt: number;
  pending: number;
  /** When the places of attempts under way are given back if they never end. */
  pendingUntil: number;
  lockedUntil: number;
}

interface NameCounts {
  nameWide: Count;
  byAddress: Map<string, Count>;
}

/** Beyond this many names, those with nothing left to remember are swept before another is added. */
const SWEEP_ABOVE = 10_000;

const newCount = (): Count => ({ failures: 0, forgetAt: 0, pending: 0, pendingUntil: 0, lockedUntil: 0 });

/** LoginAttempts in this process's memory: right for a single instance. */
export class MemoryLoginAttempts extends LoginAttempts {
  private readonly names = new Map<string, NameCounts>();

  constructor(
    private readonly config: AppConfig,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  protected async reserve(names: string[], address: string): Promise<number> {
    const now = this.now();
    const counts = names.flatMap((name) => this.counts(name, address, now));
    const lockedMs = Math.max(0, ...counts.map(({ count }) => count.lockedUntil - now));
    if (lockedMs > 0) return Math.ceil(lockedMs / 1000);
    if (counts.some(({ count, limit }) => count.failures + count.pending >= limit)) return BUSY;
    for (const { count } of counts) {
      count.pending += 1;
      count.pendingUntil = now + PENDING_MS;
    }
    return RESERVED;
  }

  protected async settle(reserved: string[], forgiven: string[], address: string, outcome: AttemptOutcome): Promise<void> {
    const now = this.now();
    const { lockoutSeconds } = this.config.bruteForce;
    for (const { count, limit } of reserved.flatMap((name) => this.counts(name, address, now))) {
      count.pending = Math.max(0, count.pending - 1);
      if (outcome === 'failed') {
        count.failures += 1;
        count.forgetAt = now + lockoutSeconds * 1000;
        if (count.failures >= limit) count.lockedUntil = count.forgetAt;
      }
    }
    if (outcome !== 'succeeded') return;
    for (const { count } of [...reserved, ...forgiven].flatMap((name) => this.counts(name, address, now))) {
      count.failures = 0;
      count.lockedUntil = 0;
    }
  }

  protected async forget(names: string[]): Promise<void> {
    for (const name of names) this.names.delete(name);
  }

  /** The name's two counts that apply to `address`, each with its limit, as of `now`. */
  private counts(name: string, address: string, now: number): { count: Count; limit: number }[] {
    let counts = this.names.get(name);
    if (!counts) {
      if (this.names.size >= SWEEP_ABOVE) this.sweep(now);
      counts = { nameWide: newCount(), byAddress: new Map() };
      this.names.set(name, counts);
    }
    let fromAddress = counts.byAddress.get(address);
    if (!fromAddress) counts.byAddress.set(address, (fromAddress = newCount()));
    const { maxLoginFailures, maxNameWideFailures } = this.config.bruteForce;
    return [
      { count: current(counts.nameWide, now), limit: maxNameWideFailures },
      { count: current(fromAddress, now), limit: maxLoginFailures },
    ];
  }

  private sweep(now: number): void {
    for (const [name, counts] of this.names) {
      for (const [address, count] of counts.byAddress) if (isIdle(current(count, now), now)) counts.byAddress.delete(address);
      if (counts.byAddress.size === 0 && isIdle(current(counts.nameWide, now), now)) this.names.delete(name);
    }
  }
}

/** The count with what has expired by `now` forgotten. */
function current(count: Count, now: number): Count {
  if (count.forgetAt <= now) count.failures = 0;
  if (count.pendingUntil <= now) count.pending = 0;
  if (count.lockedUntil <= now) count.lockedUntil = 0;
  return count;
}

const isIdle = (count: Count, now: number) => count.failures === 0 && count.pending === 0 && count.lockedUntil <= now;
