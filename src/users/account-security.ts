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
   * An owner asked to change the account's email to `newEmail`, in that transaction: the new
   * address gets the link that makes the change, the current one a notice whose link undoes it.
   * Throws 429 when the mail budget refuses either.
   */
  abstract emailChangeRequested(manager: EntityManager, user: User, newEmail: string): Promise<void>;

  /**
   * The account's email changed, in that transaction: every link bound to the old address dies
   * (verification, reset, invitation, a pending change). `byAdministrator`: the links that undo
   * owners' changes die too, the new address is asked to prove itself (or, for an account
   * without a password, invited anew), and the old one is told.
   */
  abstract emailChanged(manager: EntityManager, user: User, previousEmail: string, byAdministrator: boolean): Promise<void>;

  /** An owner's pending email change was dropped: its link dies. */
  abstract emailChangeDropped(manager: EntityManager, userId: number): Promise<void>;

  /** The password changed, by any path, in that transaction: the account's reset links die. */
  abstract passwordChanged(manager: EntityManager, userId: number): Promise<void>;
}
