import type { EntityManager } from 'typeorm';
import type { User } from './user.entity';

/**
 * What the users domain asks of authentication when an account changes: the one seam between
 * them, implemented by AuthModule, so that users never imports auth.
 */
export abstract class AccountSecurity {
  /**
   * Checks the account's current password as a login from `address` does: the try counts toward
   * the lockout of the account's names and a good one clears it. Throws 401 or 429.
   */
  abstract verifyPassword(user: User, password: string, address: string): Promise<void>;

  /** Lifts the login lockout of the account's email and username. */
  abstract liftLockout(user: Pick<User, 'email' | 'username'>): Promise<void>;

  /** Ends the account's sessions (all, or all but one), in the transaction of the change. */
  abstract endSessions(manager: EntityManager, userId: number, exceptSessionId?: string): Promise<void>;

  /**
   * A new account, in the transaction that inserts it: its owner is asked to prove the address,
   * or, for an account made without a password, invited to choose one.
   */
  abstract accountCreated(manager: EntityManager, user: User): Promise<void>;

  /**
   * The account's email changed, in that transaction: the new address is asked to prove itself,
   * and the old one is told.
   */
  abstract emailChanged(manager: EntityManager, user: User, previousEmail: string): Promise<void>;

  /** The password changed, by any path, in that transaction: the account's reset links die. */
  abstract passwordChanged(manager: EntityManager, userId: number): Promise<void>;
}
