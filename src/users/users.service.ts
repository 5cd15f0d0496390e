import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.enum';
import { AuditContext, AuditRecord, auditRecord } from '../audit/audit-record';
import { AuditService } from '../audit/audit.service';
import type { ClientOrigin } from '../common/http/client-origin';
import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';
import { violatedUniqueIndex } from '../database/unique-violation';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { preconditionFailed } from './etag';
import { AccountQuota } from '../common/account-quota';
import { AppConfig } from '../config/app-config';
import { AccountSecurity } from './account-security';
import { AuthenticatedUser, loggedInWithin } from '../access/authenticated-user';
import { assertStrongPassword } from './password-policy';
import { PasswordService } from './password.service';
import { Role } from '../access/role.enum';
import { User } from './user.entity';
import { Target, targetUserId, UserPage, UsersRepository, WritableColumns } from './users.repository';

/** The columns a caller may set; `password` is plain text and stored as a bcrypt hash. */
export type UserChanges = Omit<WritableColumns, 'password_hash'> & { password?: string };

/** What an owner may send to change their own profile: a new email goes with the current password. */
export type ProfileChanges = Omit<UserChanges, 'password' | 'role' | 'is_active' | 'email_verified' | 'pending_email'> & {
  current_password?: string;
};

/** A login this recent stands in for the current password of an account that has none. */
export const RECENT_LOGIN_SECONDS = 600;

/** A new account; without a password, its owner is invited to choose one. */
export type NewUser = UserChanges & Pick<User, 'email' | 'name'> & { password?: string };

/** What each unique index of the users table means to a caller. */
const CONFLICTS: Record<string, ErrorCode> = {
  users_email_live_key: ErrorCode.EMAIL_TAKEN,
  users_username_live_key: ErrorCode.USERNAME_TAKEN,
};

/** Tries for a free generated username before giving up with 409. */
const USERNAME_ATTEMPTS = 5;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly security: AccountSecurity,
    private readonly audit: AuditService,
    private readonly quota: AccountQuota,
    private readonly config: AppConfig,
  ) {}

  /** A live (not deleted) account, active or not. */
  findById(id: number): Promise<User | null> {
    return this.users.find({ id });
  }

  /** The caller's account, when it is live and active and the token's session is open. */
  findByCaller(caller: AuthenticatedUser): Promise<User | null> {
    return this.users.find({ caller });
  }

  /** The caller's role, while its account is live and active and the token's session open: what RolesGuard checks. */
  roleOf(caller: AuthenticatedUser): Promise<Role | undefined> {
    return this.users.roleOf(caller);
  }

  list(query: ListUsersQueryDto): Promise<UserPage> {
    return this.users.list(query);
  }

  findByLogin(login: { email?: string; username?: string }): Promise<User | null> {
    return this.users.findByLogin(login);
  }

  /** Whether any live account is an active administrator. */
  hasActiveAdmin(): Promise<boolean> {
    return this.users.hasActiveAdmin();
  }

  /**
   * Inserts an account. A username left out is made from the email and, when taken, retried
   * with a random suffix; every other collision is a 409 decided by the unique indexes. With a
   * context, its event: a sign-up (no actor), or an administrator's creation.
   */
  async create(input: NewUser, context?: AuditContext): Promise<User> {
    const { password, ...fields } = input;
    const base = fields.username ?? usernameFromEmail(fields.email);
    if (password !== undefined) assertStrongPassword(password, { email: fields.email, username: base });
    const values = { ...fields, password_hash: password === undefined ? null : await this.passwords.hash(password) };
    for (let attempt = 0; ; attempt++) {
      const username = attempt === 0 ? base : withSuffix(base);
      try {
        // The raw unique violation must reach the catch below: not this.transaction, which translates it.
        return await this.users.transaction(async (users) => {
          const user = await users.insert({ ...values, username });
          await this.security.accountCreated(users.manager, user);
          if (context) await this.audit.record(creationRecord(context, user, password === undefined), users.manager);
          return user;
        });
      } catch (error) {
        const index = violatedUniqueIndex(error);
        const generated = fields.username === undefined;
        if (index === 'users_username_live_key' && generated && attempt < USERNAME_ATTEMPTS) {
          continue;
        }
        throw conflictOr(error, index);
      }
    }
  }

  /**
   * An administrator's partial update. Only the columns given are written, in one statement;
   * a new role, a deactivation or a new password also ends the user's sessions, and taking
   * the role or activity from the last active admin is refused with 409. With a context, the
   * change's event is written with it: `action` (a reset link's new password is password.reset).
   */
  async update(
    id: number,
    changes: UserChanges,
    versions?: number[],
    context?: AuditContext,
    action = AuditAction.ADMIN_USER_UPDATED,
  ): Promise<User> {
    const event = context && ((details: Record<string, unknown>) => auditRecord(context, action, id, details));
    let before: User | undefined;
    if (changes.is_active === true || changes.password !== undefined) {
      const user = (before = await this.liveUser(id));
      if (changes.password !== undefined) {
        const { email = user.email, username = user.username } = changes;
        assertStrongPassword(changes.password, { email, username });
      }
      // Re-enabling an account, or giving it a new password, lifts a login lockout. Before the
      // write: were the lockout store away, the answer (503) must be that nothing changed.
      await this.security.liftLockout(user);
    }
    return this.writeAsAdmin(id, changes, versions, event, before);
  }

  /** `update` on behalf of `admin`, whose role RolesGuard checked. */
  updateAsAdmin(
    admin: AuthenticatedUser,
    id: number,
    changes: UserChanges,
    versions: number[] | undefined,
    origin: ClientOrigin,
  ): Promise<User> {
    return this.update(id, changes, versions, { actorId: admin.id, origin });
  }

  /**
   * The target's `image_path`, its row locked until the transaction of `manager` ends: the
   * picture that a change of it replaces. Undefined when the target is missing (setImagePath
   * then says why).
   */
  async lockedImagePath(target: Target, manager: EntityManager): Promise<string | undefined> {
    return (await this.users.on(manager).lockedRow(target))?.image_path;
  }

  /**
   * Points the target's `image_path` at a picture (avatars), in the transaction of `manager`
   * when given: the picture's row, the account's change and its event commit together.
   */
  setImagePath(target: Target, imagePath: string, context: AuditContext, manager?: EntityManager): Promise<User> {
    const id = targetUserId(target);
    const action = 'id' in target ? AuditAction.ADMIN_USER_UPDATED : AuditAction.PROFILE_UPDATED;
    const event = auditRecord(context, action, id, { fields: ['image_path'] });
    return this.writeRow(manager ? this.users.on(manager) : this.users, target, { image_path: imagePath }, undefined, event);
  }

  /**
   * Marks the email verified, if it is still the account's address (a link sent to an address
   * since replaced proves nothing). Answers the account, or undefined.
   */
  markEmailVerified(id: number, email: string, context: AuditContext): Promise<User | undefined> {
    return this.users.transaction(async (users) => {
      const user = await users.markEmailVerified(id, email);
      if (user) await this.audit.record(auditRecord(context, AuditAction.EMAIL_VERIFIED, id), users.manager);
      return user;
    });
  }

  /** Lifts the login lockout of a live account's email and username. */
  async unlock(id: number, context: AuditContext): Promise<void> {
    await this.security.liftLockout(await this.liveUser(id));
    await this.audit.record(auditRecord(context, AuditAction.ADMIN_USER_UNLOCKED, id));
  }

  private async writeAsAdmin(
    id: number,
    changes: UserChanges,
    versions?: number[],
    event?: (details: Record<string, unknown>) => AuditRecord,
    before?: User,
  ): Promise<User> {
    const values = await this.columns(changes);
    const fields = fieldNames(changes);
    const sensitive =
      changes.role !== undefined || changes.is_active === false || changes.password !== undefined;
    if (!sensitive) {
      // A re-activation's old activity is the row read before it.
      const details = { fields, ...(before && roleAndActivity(before, { ...before, ...values } as User)) };
      return this.translateConflicts(() => this.write(this.users, { id }, values, versions, event?.(details)));
    }
    return this.transaction(async (users) => {
      await users.serializeAdminChanges();
      const current = await users.lockForAdminChange(id);
      if (!current) throw ProblemException.userNotFound();
      const demotes = (changes.role !== undefined && changes.role !== Role.ADMIN) || changes.is_active === false;
      if (demotes) await this.keepOneActiveAdmin(users, id);
      const user = await this.write(users, { id }, values, versions);
      const roleChanged = changes.role !== undefined && changes.role !== current.role;
      if (roleChanged || changes.is_active === false || changes.password !== undefined) {
        await this.security.endSessions(users.manager, id);
      }
      if (changes.password !== undefined) await this.security.passwordChanged(users.manager, id);
      if (event) await this.audit.record(event({ fields, ...roleAndActivity(current, user) }), users.manager);
      return user;
    });
  }

  /**
   * A user's change to their own profile, in one statement. A new email is not written: it
   * waits as `pending_email` for its link (see changeOwnEmail).
   */
  async updateProfile(caller: AuthenticatedUser, changes: ProfileChanges, versions: number[] | undefined, origin: ClientOrigin): Promise<User> {
    const { email, current_password: password, ...profile } = changes;
    const context = { actorId: caller.id, origin };
    const fields = fieldNames(profile);
    const event = fields.length > 0 ? auditRecord(context, AuditAction.PROFILE_UPDATED, caller.id, { fields }) : undefined;
    if (email === undefined) {
      if (password !== undefined) {
        throw ProblemException.validation([{ field: 'current_password', message: 'current_password goes with a new email only.' }]);
      }
      return this.translateConflicts(() => this.writeRow(this.users, { caller }, profile, versions, event));
    }
    return this.changeOwnEmail(caller, email, password, profile, versions, context, event);
  }

  /**
   * An owner's new email, once they prove who they are (the current password, or a recent login
   * for an account without one) and within EMAIL_CHANGES_PER_HOUR: the account keeps its address,
   * the new one waits as `pending_email` for its link, and the current one gets a notice whose
   * link undoes the change. The current address sent again drops a pending change.
   */
  private async changeOwnEmail(
    caller: AuthenticatedUser,
    email: string,
    password: string | undefined,
    profile: WritableColumns,
    versions: number[] | undefined,
    context: AuditContext,
    event: AuditRecord | undefined,
  ): Promise<User> {
    const user = await this.findByCaller(caller);
    if (!user) throw ProblemException.unauthorized();
    if (email === user.email) {
      return this.transaction(async (users) => {
        const updated = await this.writeRow(users, { caller }, { ...profile, pending_email: null }, versions, event);
        if (user.pending_email !== null) await this.security.emailChangeDropped(users.manager, user.id);
        return updated;
      });
    }
    await this.reauthenticate(caller, user, password, context.origin);
    const { emailChangesPerHour } = this.config.emailTokens;
    await this.quota.spend({ name: 'email-change', limit: emailChangesPerHour, windowSeconds: 3_600 }, user.id);
    // Told now rather than at the link: the address is someone else's already.
    if (await this.users.emailTaken(email)) throw problem(ErrorCode.EMAIL_TAKEN);
    return this.transaction(async (users) => {
      const updated = await this.writeRow(users, { caller }, { ...profile, pending_email: email }, versions, event);
      await this.security.emailChangeRequested(users.manager, updated, email);
      await this.audit.record(auditRecord(context, AuditAction.EMAIL_CHANGE_REQUESTED, caller.id, { new_email: email }), users.manager);
      return updated;
    });
  }

  /**
   * The link of an owner's change to `email` was followed, in `manager`'s transaction: the address
   * is the account's now, and proven. Undefined when the account no longer waits on that change
   * (replaced, dropped, undone, or the account gone or disabled); 409 when the address was taken since.
   */
  async confirmEmailChange(id: number, email: string, context: AuditContext, manager: EntityManager): Promise<User | undefined> {
    const users = this.users.on(manager);
    const current = await users.lockedRow({ id });
    if (!current || !current.is_active || current.pending_email !== email) return undefined;
    const user = await this.translateConflicts(() =>
      this.writeRow(users, { id }, { email, pending_email: null, email_verified: true }),
    );
    await this.security.emailChanged(manager, user, current.email, false);
    const details = { old_email: current.email, new_email: email };
    await this.audit.record(auditRecord(context, AuditAction.EMAIL_CHANGED, id, details), manager);
    return user;
  }

  /**
   * The link that undoes an owner's change was followed, in `manager`'s transaction: the account
   * has `email` again (proven: its owner followed the link), no pending change, no session, and
   * no live link bound to another address. Undefined for an account that is gone; 409 when
   * `email` became another account's since.
   */
  async cancelEmailChange(id: number, email: string, context: AuditContext, manager: EntityManager): Promise<User | undefined> {
    const users = this.users.on(manager);
    const current = await users.lockedRow({ id });
    if (!current) return undefined;
    const verified = current.email === email ? current.email_verified : true;
    const user = await this.translateConflicts(() =>
      this.writeRow(users, { id }, { email, pending_email: null, email_verified: verified }),
    );
    await this.security.endSessions(manager, id);
    await this.security.emailChanged(manager, user, current.email, false);
    const details = { email, ...(current.email !== email && { replaced_email: current.email }), sessions: 'all' };
    await this.audit.record(auditRecord(context, AuditAction.EMAIL_CHANGE_CANCELLED, id, details), manager);
    return user;
  }

  /** Sets a new password after checking the current one; every other session ends. */
  async changePassword(caller: AuthenticatedUser, current: string, next: string, origin: ClientOrigin): Promise<void> {
    const user = await this.verifyCaller(caller, current, origin);
    assertStrongPassword(next, user, 'new_password');
    const values = await this.columns({ password: next });
    await this.transaction(async (users) => {
      await this.write(users, { caller }, values);
      await this.security.endSessions(users.manager, caller.id, caller.sessionId);
      await this.security.passwordChanged(users.manager, caller.id);
      const event = auditRecord({ actorId: caller.id, origin }, AuditAction.PASSWORD_CHANGED, caller.id);
      await this.audit.record(event, users.manager);
    });
  }

  /** The caller deletes their own account after giving its password. */
  async removeSelf(caller: AuthenticatedUser, password: string, origin: ClientOrigin): Promise<void> {
    await this.verifyCaller(caller, password, origin);
    await this.remove({ caller }, { actorId: caller.id, origin });
  }

  /**
   * Soft-deletes an account: its email and username are free again and its sessions end. The
   * last active admin cannot be deleted.
   */
  async remove(target: Target, context: AuditContext): Promise<void> {
    const id = targetUserId(target);
    const action = 'id' in target ? AuditAction.ADMIN_USER_DELETED : AuditAction.ACCOUNT_DELETED;
    await this.transaction(async (users) => {
      await users.serializeAdminChanges();
      await this.keepOneActiveAdmin(users, id);
      if (!(await users.softDelete(target))) throw this.missing(target);
      await this.security.endSessions(users.manager, id);
      await this.audit.record(auditRecord(context, action, id), users.manager);
    });
  }

  /** Replaces a hash made at a lower cost, unless the password changed meanwhile. */
  async upgradeHash(user: User, password: string): Promise<void> {
    if (user.password_hash === null || !this.passwords.needsRehash(user.password_hash)) return;
    await this.users.replaceHash(user.id, await this.passwords.hash(password), user.password_hash);
  }

  private async liveUser(id: number): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw ProblemException.userNotFound();
    return user;
  }

  /** The caller's account, once its password is given (counted toward its lockout by auth). */
  private async verifyCaller(caller: AuthenticatedUser, password: string, origin: ClientOrigin): Promise<User> {
    const user = await this.findByCaller(caller);
    if (!user) throw ProblemException.unauthorized();
    await this.security.verifyPassword(user, password, origin.ip);
    return user;
  }

  /**
   * What a sensitive change asks of an owner who holds a valid token: the current password
   * (counted toward the lockout), or, for an account without one, a login within the last
   * RECENT_LOGIN_SECONDS (the token's auth_time).
   */
  private async reauthenticate(caller: AuthenticatedUser, user: User, password: string | undefined, origin: ClientOrigin): Promise<void> {
    if (user.password_hash !== null) {
      if (password === undefined) {
        throw ProblemException.validation([{ field: 'current_password', message: 'current_password is required to change the email.' }]);
      }
      return this.security.verifyPassword(user, password, origin.ip);
    }
    if (!loggedInWithin(caller, RECENT_LOGIN_SECONDS)) throw problem(ErrorCode.REAUTHENTICATION_REQUIRED);
  }

  /** The columns to write: the fields given, and a new password as its hash. */
  private async columns(changes: UserChanges): Promise<WritableColumns> {
    const { password, ...fields } = changes;
    return password === undefined ? fields : { ...fields, password_hash: await this.passwords.hash(password) };
  }

  /**
   * One UPDATE ... RETURNING of the target's row, guarded by If-Match's versions when given.
   * Only when nothing was written does a second look tell a stale version from a missing row.
   */
  private async write(
    users: UsersRepository,
    target: Target,
    values: WritableColumns,
    versions?: number[],
    event?: AuditRecord,
  ): Promise<User> {
    if (values.email === undefined) return this.writeRow(users, target, values, versions, event);
    // An email change: outside a transaction, it opens its own (the mails go with the change).
    if (users === this.users) return users.transaction((bound) => this.writeEmail(bound, target, values, versions, event));
    return this.writeEmail(users, target, values, versions, event);
  }

  /**
   * An administrator's write that may change the email: the row is locked to read the address
   * before; a new address is set at once, unverified, a pending change of the owner's dropped,
   * and the links bound to the old address die, with the mails of the change, in the same transaction.
   */
  private async writeEmail(
    users: UsersRepository,
    target: Target,
    values: WritableColumns,
    versions?: number[],
    event?: AuditRecord,
  ): Promise<User> {
    const before = (await users.lockedRow(target))?.email;
    const changed = before !== undefined && before !== values.email;
    const written = changed ? { ...values, email_verified: false, pending_email: null } : values;
    const user = await this.writeRow(users, target, written, versions, event);
    if (changed) {
      await this.security.emailChanged(users.manager, user, before, true);
      if (event) {
        const details = { old_email: before, new_email: user.email };
        await this.audit.record({ ...event, action: AuditAction.EMAIL_CHANGED, details }, users.manager);
      }
    }
    return user;
  }

  private async writeRow(
    users: UsersRepository,
    target: Target,
    values: WritableColumns,
    versions?: number[],
    event?: AuditRecord,
  ): Promise<User> {
    const user = await users.update(target, values, versions, event);
    if (user) return user;
    // Nothing written: a stale version, or no such row.
    if (versions && (await users.find(target))) throw preconditionFailed();
    throw this.missing(target);
  }

  /** A missing row: an admin's target is not found; a caller's token no longer holds. */
  private missing(target: Target): ProblemException {
    return 'id' in target ? ProblemException.userNotFound() : ProblemException.unauthorized();
  }

  private transaction<T>(work: (users: UsersRepository) => Promise<T>): Promise<T> {
    return this.translateConflicts(() => this.users.transaction(work));
  }

  private async translateConflicts<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw conflictOr(error, violatedUniqueIndex(error));
    }
  }

  /** Refuses when `id` is the only active admin. Runs under serializeAdminChanges. */
  private async keepOneActiveAdmin(users: UsersRepository, id: number): Promise<void> {
    const admins = await users.activeAdminIds();
    if (admins.length === 1 && admins[0] === id) throw problem(ErrorCode.LAST_ADMIN);
  }
}

function conflictOr(error: unknown, index: string | undefined): unknown {
  const conflict = index !== undefined && Object.hasOwn(CONFLICTS, index) ? CONFLICTS[index] : undefined;
  return conflict ? problem(conflict) : error;
}

/** `Jane.Doe+news@example.com` → `jane.doe_news`: 3 to 23 allowed characters, room for a suffix. */
export function usernameFromEmail(email: string): string {
  const local = email.split('@')[0].toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  return local.padEnd(3, '_').slice(0, 23);
}

function withSuffix(base: string): string {
  return `${base}_${randomInt(100000, 1000000)}`;
}

/** The names of the fields a change sets (never their values: a password is among them). */
function fieldNames(changes: UserChanges): string[] {
  return Object.keys(changes).filter((key) => changes[key as keyof UserChanges] !== undefined);
}

/** A role's or an activity's change, old and new, when there was one. */
function roleAndActivity(before: { role: Role; is_active: boolean }, after: User): Record<string, unknown> {
  return {
    ...(before.role !== after.role && { role: { old: before.role, new: after.role } }),
    ...(before.is_active !== after.is_active && { is_active: { old: before.is_active, new: after.is_active } }),
  };
}

/** A new account's event: a sign-up (its own actor), or an administrator's creation. */
function creationRecord(context: AuditContext, user: User, invited: boolean): AuditRecord {
  if (context.actorId === null) return auditRecord({ ...context, actorId: user.id }, AuditAction.SIGNUP, user.id);
  return auditRecord(context, AuditAction.ADMIN_USER_CREATED, user.id, { role: user.role, invited });
}
