import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { normalizeLoginName } from '../../users/login-name';

/** What `reserve` returns besides a lock's seconds left. */
export const RESERVED = 0;
export const BUSY = -1;

/** How an attempt ended: a wrong password counts, a right one forgives, an error neither. */
export type AttemptOutcome = 'failed' | 'succeeded' | 'abandoned';

/**
 * How long an attempt counts as under way: past it, an attempt whose process died stops
 * holding its place (a password check takes well under a second).
 */
export const PENDING_MS = 10_000;
/** How often an attempt that waits for others under way asks again, and for how long at most. */
const BUSY_POLL_MS = 25;
const BUSY_WAIT_MS = 5_000;

/**
 * Password attempts per login name (normalised), whether an account has that name or not: the
 * answers depend only on the names sent, so that no sequence of requests tells an existing
 * account from an unknown one. Two counts of wrong passwords in a row lock a name:
 * LOGIN_MAX_FAILURES from one client address locks the name for that address, and
 * LOGIN_MAX_FAILURES_NAME_WIDE from anywhere locks it everywhere; so a stranger's ten guesses
 * lock the owner out of nothing. Locks last LOCKOUT_MINUTES.
 *
 * An attempt under way holds a place in both counts until it ends: guesses sent all at once
 * cannot all slip past the check. An attempt that finds the places taken by attempts under way,
 * and no lock, waits for them to end: a right password among them clears the count, so many
 * logins of one account at once are never refused as locked.
 *
 * Kept in memory, or in Redis when REDIS_URL is set so that every instance sees the same counts.
 */
export abstract class LoginAttempts {
  /**
   * In one atomic step: the seconds a lock of one of `names` has left (for `address`, or
   * everywhere); else BUSY when attempts under way fill a count; else RESERVED, with a place
   * taken in each count of each name.
   */
  protected abstract reserve(names: string[], address: string): Promise<number>;

  /**
   * Ends an attempt that `reserve` admitted on `reserved`: its places are given back; a failure
   * counts on them; a success clears the counts and locks of `reserved` and of `forgiven` (the
   * account's other names), name-wide and for this address: the owner has proved the password.
   */
  protected abstract settle(reserved: string[], forgiven: string[], address: string, outcome: AttemptOutcome): Promise<void>;

  /** Forgets everything of these normalised names, for every address. */
  protected abstract forget(names: string[]): Promise<void>;

  /** Forgets the counts and locks of `names`, for every address (an unlock, a new password). */
  clear(names: string[]): Promise<void> {
    return this.forget([...new Set(names.map(normalizeLoginName))]);
  }

  /**
   * Starts a password check of `names` from `address`: 429 ACCOUNT_LOCKED while a lock holds,
   * else the attempt, to be ended once with its outcome (or abandoned, which `finally` can do).
   */
  async begin(names: string[], address: string): Promise<LoginAttempt> {
    const keys = [...new Set(names.map(normalizeLoginName))];
    const giveUpAt = Date.now() + BUSY_WAIT_MS;
    for (;;) {
      const answer = await this.reserve(keys, address);
      if (answer > 0) throw accountLocked(answer);
      if (answer === RESERVED) return new LoginAttempt(keys, (forgiven, outcome) => this.settle(keys, forgiven, address, outcome));
      // Attempts under way fill a count: their outcome decides whether this one may go.
      if (Date.now() >= giveUpAt) throw tooManyAtOnce();
      await sleep(BUSY_POLL_MS);
    }
  }
}

/** One password check under way: ended once; later calls do nothing. */
export class LoginAttempt {
  private ended = false;

  constructor(
    readonly names: string[],
    private readonly end: (forgiven: string[], outcome: AttemptOutcome) => Promise<void>,
  ) {}

  failed(): Promise<void> {
    return this.finish([], 'failed');
  }

  /** The right password: the counts of these names and of `otherNames` start again, their locks lifted. */
  succeeded(otherNames: string[] = []): Promise<void> {
    const others = otherNames.map(normalizeLoginName).filter((name) => !this.names.includes(name));
    return this.finish([...new Set(others)], 'succeeded');
  }

  /** Ended by something else than a password's verdict (an error): it counts for nothing. */
  abandon(): Promise<void> {
    return this.finish([], 'abandoned');
  }

  private async finish(forgiven: string[], outcome: AttemptOutcome): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.end(forgiven, outcome);
  }
}

/** Both names an account logs in with: a wrong current password counts on each. */
export const accountNames = (user: { email: string; username: string }) => [user.email, user.username];

export function accountLocked(seconds: number): ProblemException {
  return problem(
    ErrorCode.ACCOUNT_LOCKED,
    { key: 'problems.limits.locked', params: { count: seconds } },
    { headers: { 'Retry-After': String(seconds) } },
  );
}

function tooManyAtOnce(): ProblemException {
  return problem(ErrorCode.RATE_LIMITED, { key: 'problems.limits.attemptsAtOnce' }, {
    headers: { 'Retry-After': '1' },
  });
}
