/**
 * Login attempts in a row, per account (`accountKey`) or, for a name no account has, per name
 * (`loginNameKey`), so that both lock alike and a lock tells nothing about whether an account
 * exists. After LOGIN_MAX_FAILURES attempts that were not followed by a good one, the key is
 * locked for LOCKOUT_MINUTES. Kept in memory, or in Redis when REDIS_URL is set so that every
 * instance sees the same counts.
 */
export abstract class LoginAttempts {
  /**
   * Counts an attempt on the key, in one atomic step with the lock check, before the password
   * is checked: guesses sent all at once cannot all slip past. Answers the seconds the lock has
   * left, or 0 when the attempt may go ahead.
   */
  abstract attempt(key: string): Promise<number>;
  /** A good login, or an administrator re-enabling the account, starts the count again. */
  abstract clear(key: string): Promise<void>;
}

export const accountKey = (userId: number) => `user:${userId}`;
export const loginNameKey = (name: string) => `login:${name.toLowerCase()}`;
