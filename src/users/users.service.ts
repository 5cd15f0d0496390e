import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action.enum';
import { AuditContext, AuditRecord, auditRecord } from '../audit/audit-record';
import { AuditService } from '../audit/audit.service';
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
import { SecondFactorMarks, Target, targetUserId, UserPage, UsersRepository, WritableColumns } from './users.repository';

/** The columns a change may set; `password` is plain text and stored as a bcrypt hash. */
export type UserChanges = Omit<WritableColumns, 'password_hash'> & { password?: string };

/** A new account; without a password, its owner is invited to choose one. */
export type NewUser = UserChanges & Pick<User, 'email' | 'name'>;

export interface CreateOptions {
  /** Who asks, from where: a sign-up (no actor) or an administrator. Without it, no event (the seeded administrator). */
  context?: AuditContext;
  /** A sign-up through another provider: its id, for the event. */
  provider?: string;
  /** More rows of the new account, written in its transaction (a provider's identity). */
  withAccount?: (manager: EntityManager, user: User) => Promise<unknown>;
}

export interface ChangeOptions {
  /** Who asks, from where: the actor of the change's events. */
  context: AuditContext;
  /** If-Match: the row is written only at one of these versions, else 412. */
  versions?: number[];
  /** The transaction the caller opened, for a change that commits with the caller's own rows (a picture, a spent link). */
  manager?: EntityManager;
  /** The owner's current password: what their new password or new email asks for. */
  currentPassword?: string;
  /** The owner's change by a link mailed to the account. */
  link?: MailedLink;
  /**
   * The account as a login read it, `changes.password` the password that login just checked:
   * a hash made at a lower cost than today's is made anew, over that hash only. Not a change of
   * the account: its version stays, no event is written, no session ends.
   */
  login?: User;
}

/** A link mailed to the account was followed: its holder reads `email`. */
export interface MailedLink {
  /** The address the link was mailed to. */
  email: string;
  /**
   * `address`: it proves the address (a verification, a reset's new password); `email-change`:
   * it makes the owner's change to it; `email-change-undo`: the address left gets the account back.
   */
  purpose: 'address' | 'email-change' | 'email-change-undo';
}

export interface DeleteOptions {
  /** Who asks, from where: the actor of the deletion's event. */
  context: AuditContext;
  /** The owner's password, which deleting their own account asks for. */
  currentPassword?: string;
}

/** Who makes a change, which decides what it must prove and what it records. */
type Author = 'owner' | 'admin' | 'link';

/** A login this recent stands in for the current password of an account that has none. */
export const RECENT_LOGIN_SECONDS = 600;

/** What each unique index of the users table means to a caller. */
const CONFLICTS: Record<string, ErrorCode> = {
  users_email_live_key: ErrorCode.EMAIL_TAKEN,
  users_username_live_key: ErrorCode.USERNAME_TAKEN,
};

/** Tries for a free generated username before giving up with 409. */
const USERNAME_ATTEMPTS = 5;

/** The fields a change may set in one statement, with nothing else to check, end or mail. */
const PROFILE_FIELDS = new Set(['username', 'name', 'firstname', 'lastname', 'phone_number', 'image_path', 'locale']);

/**
 * The account rules. Three methods write a user row, each its rules, then one statement or one transaction:
 * `create`, `change`, `delete`.
 */
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

  /** The caller's account, live and active, its token's session open; else 401. */
  async callerAccount(caller: AuthenticatedUser): Promise<User> {
    const user = await this.users.find({ caller });
    if (!user) throw ProblemException.unauthorized();
    return user;
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

  /**
   * Sets what the account shows of its second factors, in the transaction of `manager` (the
   * factor's own rows), with its events: a new version, so its ETag changes. Null when the
   * target is gone.
   */
  setSecondFactors(target: Target, marks: SecondFactorMarks, manager: EntityManager, events: AuditRecord[] = []): Promise<User | null> {
    return this.users.on(manager).setSecondFactors(target, marks, events);
  }

  /** The target's row, locked until the transaction of `manager` ends: what a change of its ways in counts. */
  lockedAccount(target: Target, manager: EntityManager): Promise<User | undefined> {
    return this.users.on(manager).lockedRow(target);
  }

  /** Whether any live account is an active administrator. */
  hasActiveAdmin(): Promise<boolean> {
    return this.users.hasActiveAdmin();
  }

  /**
   * The target's `image_path`, its row locked until the transaction of `manager` ends: the
   * picture that a change of it replaces. Undefined when the target is missing (the change then
   * says why).
   */
  async lockedImagePath(target: Target, manager: EntityManager): Promise<string | undefined> {
    return (await this.lockedAccount(target, manager))?.image_path;
  }

  /**
   * Inserts an account, with its event when there is a context: a sign-up (by the account
   * itself) or an administrator's creation. A username left out is made from the email and,
   * when taken, retried with a random suffix; every other collision is a 409 decided by the
   * unique indexes. The owner is asked to prove the address (or, without a password, invited)
   * in the transaction that inserts the account.
   */
  async create(account: NewUser, { context, provider, withAccount }: CreateOptions = {}): Promise<User> {
    const { password, ...fields } = account;
    const base = fields.username ?? usernameFromEmail(fields.email);
    if (password !== undefined) assertStrongPassword(password, { email: fields.email, username: base });
    const values = { ...fields, password_hash: password === undefined ? null : await this.passwords.hash(password) };
    const event = context && creationEvent(context, fields.role ?? Role.USER, password === undefined, provider);
    for (let attempt = 0; ; attempt++) {
      const username = attempt === 0 ? base : withSuffix(base);
      try {
        return await this.users.transaction(async (users) => {
          const user = await users.insert({ ...values, username }, event);
          await this.security.accountCreated(users.manager, user);
          await withAccount?.(users.manager, user);
          return user;
        });
      } catch (error) {
        const index = violatedUniqueIndex(error);
        if (index === 'users_username_live_key' && fields.username === undefined && attempt < USERNAME_ATTEMPTS) continue;
        throw conflictOr(error, index);
      }
    }
  }

  /**
   * Changes an account: the caller's own (`{ caller }`: its owner, whose session the write
   * checks), or any live account (`{ id }`: an administrator's change, or the owner's by a mailed
   * `link`). Profile fields alone are one statement with its event. Any other change is first
   * proven and checked against the account as it is (the current password or a recent login,
   * the link, the password's strength, the hour's quota of email changes, a lockout lifted), then
   * made in one transaction, the caller's when it gives one, else its own: the row locked, the
   * last active admin kept, the row written with its events, and what the change ends or mails.
   */
  async change(target: Target, changes: UserChanges, options: ChangeOptions): Promise<User> {
    if (options.login) return this.rehash(options.login, changes.password);
    // Who asks, and what: the fields a change sets, never their values, name it in its events.
    const { context, versions, manager, link, currentPassword } = options;
    const caller = 'caller' in target ? target.caller : undefined;
    const by: Author = caller ? 'owner' : link ? 'link' : 'admin';
    const fields = fieldNames(changes);
    const users = manager ? this.users.on(manager) : this.users;
    if (currentPassword !== undefined && changes.email === undefined && changes.password === undefined) {
      throw ProblemException.validation([{ field: 'current_password', message: { key: 'validation.currentPassword.emailOnly' } }]);
    }

    if (by !== 'link' && fields.every((field) => PROFILE_FIELDS.has(field))) {
      // No row to read first, nothing to end or mail: the statement finds the row, or not.
      const events = changeEvents(by, context, targetUserId(target), fields);
      return this.translateConflicts(() => this.write(users, target, changes, { versions, events, by }));
    }

    // The rules, on the account as it is, before anything is written.
    const before = await users.find(target);
    if (!before) throw this.missing(by);
    if (link) assertLinkHolds(link, before, changes);
    const newEmail = caller && changes.email !== undefined && changes.email !== before.email ? changes.email : undefined;
    if (caller && changes.password !== undefined) await this.verifyCurrentPassword(before, currentPassword, context);
    else if (caller && newEmail !== undefined) await this.reauthenticate(caller, before, currentPassword, context);
    if (changes.password !== undefined) {
      const names = { email: changes.email ?? before.email, username: changes.username ?? before.username };
      assertStrongPassword(changes.password, names, by === 'admin' ? 'password' : 'new_password');
    }
    if (newEmail !== undefined) {
      const { emailChangesPerHour } = this.config.emailTokens;
      await this.quota.spend({ name: 'email-change', limit: emailChangesPerHour, windowSeconds: 3_600 }, before.id);
      // Told now rather than at the link: the address is someone else's already.
      if (await users.emailTaken(newEmail)) throw problem(ErrorCode.EMAIL_TAKEN);
    }
    // Before the write: were the lockout's store away, the answer (503) must be that nothing changed.
    if (by !== 'owner' && (changes.is_active === true || changes.password !== undefined)) await this.security.liftLockout(before);
    const { password, ...columns } = changes;
    const values: WritableColumns = password === undefined ? columns : { ...columns, password_hash: await this.passwords.hash(password) };

    // One transaction: the row locked, the last active admin kept, the row written with its
    // events, then what the change ends or mails.
    return this.translateConflicts(() =>
      this.inTransaction(manager, async (tx) => {
        if (changes.role !== undefined || changes.is_active === false || password !== undefined) await tx.serializeAdminChanges();
        const current = await tx.lockedRow(target);
        if (!current) throw this.missing(by);
        if (link) assertLinkHolds(link, current, changes);
        if ((changes.role !== undefined && changes.role !== Role.ADMIN) || changes.is_active === false) {
          await this.keepOneActiveAdmin(tx, current.id);
        }
        const written = writtenColumns(by, current, values, link);
        const events = changeEvents(by, context, current.id, fields, { before: current, written, link });
        const user = await this.write(tx, target, written, { versions, events, by });
        await this.followUp(by, tx.manager, { before: current, after: user, written, link, caller });
        return user;
      }),
    );
  }

  /**
   * Soft-deletes an account: its email and username are free again, its sessions end, and its
   * event is written with it. The owner gives the password first; the last active admin cannot
   * be deleted (409).
   */
  async delete(target: Target, { context, currentPassword }: DeleteOptions): Promise<void> {
    const by: Author = 'caller' in target ? 'owner' : 'admin';
    if ('caller' in target) {
      const user = await this.users.find(target);
      if (!user) throw ProblemException.unauthorized();
      await this.reauthenticate(target.caller, user, currentPassword, context);
    }
    const id = targetUserId(target);
    const event = auditRecord(context, by === 'owner' ? AuditAction.ACCOUNT_DELETED : AuditAction.ADMIN_USER_DELETED, id);
    await this.users.transaction(async (users) => {
      await users.serializeAdminChanges();
      await this.keepOneActiveAdmin(users, id);
      if (!(await users.softDelete(target, [event]))) throw this.missing(by);
      await this.security.endSessions(users.manager, id);
    });
  }

  /** Lifts the login lockout of a live account's email and username: no change of its row, an event of its own. */
  async unlock(id: number, context: AuditContext): Promise<void> {
    const user = await this.findById(id);
    if (!user) throw ProblemException.userNotFound();
    await this.security.liftLockout(user);
    await this.audit.record(auditRecord(context, AuditAction.ADMIN_USER_UNLOCKED, id));
  }

  /** The work in the transaction the caller opened when it gives one, else in one of its own. */
  private inTransaction<T>(manager: EntityManager | undefined, work: (users: UsersRepository) => Promise<T>): Promise<T> {
    return manager ? work(this.users.on(manager)) : this.users.transaction(work);
  }

  /**
   * One UPDATE ... RETURNING of the target's row with its events, guarded by If-Match's versions
   * when given. Only when nothing was written does a second look tell a stale version from a missing row.
   */
  private async write(users: UsersRepository, target: Target, values: WritableColumns, options: WriteOptions): Promise<User> {
    const user = await users.update(target, values, options);
    if (user) return user;
    if (options.versions && (await users.find(target))) throw preconditionFailed();
    throw this.missing(options.by);
  }

  /** What follows a change in its transaction: sessions ended, links voided, mails queued. */
  private async followUp(by: Author, manager: EntityManager, change: WrittenChange & { after: User; caller?: AuthenticatedUser }): Promise<void> {
    const { before, after, written, link, caller } = change;
    const newPassword = written.password_hash !== undefined;
    if (caller && newPassword) {
      // The caller's own session stays: it just proved the password.
      await this.security.endSessions(manager, after.id, caller.sessionId);
    } else if (newPassword || after.role !== before.role || written.is_active === false || link?.purpose === 'email-change-undo') {
      await this.security.endSessions(manager, after.id);
    }
    if (newPassword) await this.security.passwordChanged(manager, after.id);
    if (by === 'owner' && written.pending_email) {
      await this.security.emailChangeRequested(manager, after, written.pending_email);
    } else if (by === 'owner' && written.pending_email === null && before.pending_email !== null) {
      await this.security.emailChangeDropped(manager, after.id);
    } else if ((by === 'admin' && after.email !== before.email) || (link && link.purpose !== 'address')) {
      await this.security.emailChanged(manager, after, before.email, by === 'admin');
    }
  }

  /** A login's rehash: the password it just checked, at today's cost, unless it changed meanwhile. */
  private async rehash(user: User, password: string | undefined): Promise<User> {
    if (password === undefined || user.password_hash === null || !this.passwords.needsRehash(user.password_hash)) return user;
    await this.users.replaceHash(user.id, await this.passwords.hash(password), user.password_hash);
    return user;
  }

  /**
   * What the owner's new email, or deleting the account, asks of a caller who holds a valid token:
   * the current password, or, for an account without one (a provider's sign-up), a login within
   * the last RECENT_LOGIN_SECONDS (the token's auth_time).
   */
  private async reauthenticate(caller: AuthenticatedUser, user: User, currentPassword: string | undefined, context: AuditContext): Promise<void> {
    if (user.password_hash !== null) return this.verifyCurrentPassword(user, currentPassword, context);
    if (!loggedInWithin(caller, RECENT_LOGIN_SECONDS)) throw problem(ErrorCode.REAUTHENTICATION_REQUIRED);
  }

  /** The owner's current password, checked as a login checks it (counted toward its lockout by auth). */
  private async verifyCurrentPassword(user: User, password: string | undefined, context: AuditContext): Promise<void> {
    if (password === undefined) {
      throw ProblemException.validation([{ field: 'current_password', message: { key: 'validation.currentPassword.required' } }]);
    }
    await this.security.verifyPassword(user, password, context.origin.ip);
  }

  /** A missing row: a caller's token no longer holds; an administrator's target is not found; a link no longer works. */
  private missing(by: Author): ProblemException {
    if (by === 'owner') return ProblemException.unauthorized();
    return by === 'admin' ? ProblemException.userNotFound() : problem(ErrorCode.INVALID_TOKEN);
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

/**
 * Whether a link still does what it was mailed for, on the account as it is (else 400
 * INVALID_TOKEN): an address's link while the account has that address (and, to set a password,
 * is active); a change's while it waits on that address and the account is active; an undo's
 * whatever became of the account.
 */
function assertLinkHolds(link: MailedLink, user: User, changes: UserChanges): void {
  const holds =
    link.purpose === 'address'
      ? user.email === link.email && (changes.password === undefined || user.is_active)
      : link.purpose === 'email-change'
        ? user.is_active && user.pending_email === link.email
        : true;
  if (!holds) throw problem(ErrorCode.INVALID_TOKEN);
}

/**
 * The columns a change writes. The owner's new email waits as `pending_email` for its link (the
 * current one sent again drops a pending change); an administrator's is the account's at once,
 * unverified, an owner's pending change dropped; a link proves the address it went to.
 */
function writtenColumns(by: Author, current: User, values: WritableColumns, link: MailedLink | undefined): WritableColumns {
  const { email, ...others } = values;
  if (by === 'owner') return email === undefined ? values : { ...others, pending_email: email === current.email ? null : email };
  if (by === 'admin') return email === undefined || email === current.email ? values : { ...values, email_verified: false, pending_email: null };
  if (link!.purpose === 'address') return { ...values, email_verified: true };
  // An undone change gives the address back proven, unless it never left (the change still pending).
  const verified = link!.purpose === 'email-change' || current.email !== link!.email || current.email_verified;
  return { ...values, email: link!.email, pending_email: null, email_verified: verified };
}

/** What a write writes with the row, and who asks (what a missing row means). */
interface WriteOptions {
  versions?: number[];
  events: AuditRecord[];
  by: Author;
}

/** A change as it is written: the row before it, the columns it writes, and the link that makes it. */
interface WrittenChange {
  before: User;
  written: WritableColumns;
  link?: MailedLink;
}

/**
 * A change's events, in order: the owner's profile fields, new password or asked-for email; an
 * administrator's change (the fields' names, never their values; the role and activity before
 * and after) and the email it changed; a link's reset, verification, email change or its undoing.
 * Without `change`, a change of profile fields alone.
 */
function changeEvents(by: Author, context: AuditContext, id: number, fields: string[], change?: WrittenChange): AuditRecord[] {
  const event = (action: AuditAction, details?: Record<string, unknown>) => auditRecord(context, action, id, details);
  const { before, written = {}, link } = change ?? {};
  const emailChanged = before !== undefined && written.email !== undefined && written.email !== before.email;
  if (by === 'owner') {
    const profile = fields.filter((field) => field !== 'email' && field !== 'password');
    return [
      ...(profile.length > 0 ? [event(AuditAction.PROFILE_UPDATED, { fields: profile })] : []),
      ...(written.password_hash !== undefined ? [event(AuditAction.PASSWORD_CHANGED)] : []),
      ...(written.pending_email ? [event(AuditAction.EMAIL_CHANGE_REQUESTED, { new_email: written.pending_email })] : []),
    ];
  }
  if (by === 'admin') {
    return [
      event(AuditAction.ADMIN_USER_UPDATED, { fields, ...(before && roleAndActivity(before, written)) }),
      ...(emailChanged ? [event(AuditAction.EMAIL_CHANGED, { old_email: before.email, new_email: written.email })] : []),
    ];
  }
  if (link!.purpose === 'address') {
    const reset = written.password_hash !== undefined ? [event(AuditAction.PASSWORD_RESET, { fields: ['password'] })] : [];
    return [...reset, event(AuditAction.EMAIL_VERIFIED)];
  }
  if (link!.purpose === 'email-change') return [event(AuditAction.EMAIL_CHANGED, { old_email: before!.email, new_email: written.email })];
  return [event(AuditAction.EMAIL_CHANGE_CANCELLED, { email: written.email, ...(emailChanged && { replaced_email: before.email }), sessions: 'all' })];
}

/** A role's or an activity's change, old and new, when there is one. */
function roleAndActivity(before: User, written: WritableColumns): Record<string, unknown> {
  const { role = before.role, is_active = before.is_active } = written;
  return {
    ...(role !== before.role && { role: { old: before.role, new: role } }),
    ...(is_active !== before.is_active && { is_active: { old: before.is_active, new: is_active } }),
  };
}

/** The names of the fields a change sets (never their values: a password is among them). */
function fieldNames(changes: UserChanges): string[] {
  return Object.keys(changes).filter((key) => changes[key as keyof UserChanges] !== undefined);
}

/** A new account's event: a sign-up (no actor: the account itself), or an administrator's creation. */
function creationEvent(context: AuditContext, role: Role, invited: boolean, provider?: string): AuditRecord {
  if (context.actorId === null) return auditRecord(context, AuditAction.SIGNUP, null, provider === undefined ? undefined : { provider });
  return auditRecord(context, AuditAction.ADMIN_USER_CREATED, null, { role, invited });
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
