import { ErrorCode } from '../common/error-code.enum';
import { problem, ProblemException } from '../common/problem.exception';

/**
 * Password attempts in a row, per login name (an email or a username, normalised), whether an
 * account has that name or not: the answers then depend only on the names sent, so that no
 * sequence of requests tells an existing account from an unknown one. After
 * LOGIN_MAX_FAILURES attempts that were not followed by a good one, the name is locked for
 * LOCKOUT_MINUTES. Kept in memory, or in Redis when REDIS_URL is set so that every instance
 * sees the same counts.
 */
export abstract class LoginAttempts {
  /**
   * Counts an attempt on the key, in one atomic step with the lock check, before the password
   * is checked: guesses sent all at once cannot all slip past. Answers the seconds the lock has
   * left, or 0 when the attempt may go ahead.
   */
  abstract attempt(key: string): Promise<number>;
  /** A good password, an unlock or a re-enabled account starts the count again. */
  abstract clear(key: string): Promise<void>;

  /** An attempt on each key (an account's names); answers the longest lock among them. */
  async attemptAll(keys: string[]): Promise<number> {
    let lockedFor = 0;
    for (const key of keys) lockedFor = Math.max(lockedFor, await this.attempt(key));
    return lockedFor;
  }

  async clearAll(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.clear(key)));
  }
}

/** The key of a login name, as the unique indexes compare names: NFKC, any case. */
export const loginNameKey = (name: string) => `login:${name.trim().normalize('NFKC').toLowerCase()}`;

/** The keys of both names an account logs in with: a wrong password counts on each. */
export const accountKeys = (user: { email: string; username: string }) => [
  loginNameKey(user.email),
  loginNameKey(user.username),
];

export function accountLocked(seconds: number): ProblemException {
  return problem(
    ErrorCode.ACCOUNT_LOCKED,
    `Too many failed password attempts: this account is locked for ${seconds} more seconds.`,
    { headers: { 'Retry-After': String(seconds) } },
  );
}
