import { ThrottlerStorageService } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { migratedDatabase } from '../../test/support/migrated-database';
import { problemFrom } from '../../test/support/problem-from';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { Role } from '../access/role.enum';
import { AuditAction } from '../audit/audit-action.enum';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AccountQuota } from '../common/account-quota';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';
import { AppConfig } from '../config/app-config';
import type { AppDataSource } from '../database/app-data-source';
import { MailOutboxRepository } from '../mail/mail-outbox.repository';
import { AccountSecurity } from './account-security';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { PasswordService } from './password.service';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { ChangeOptions, MailedLink, UserChanges, usernameFromEmail, UsersService } from './users.service';

// UsersService's rules on a real (embedded, migrated) database: each test reads what a change left
// in the rows (users, audit_events, mail_outbox, sessions) and what it answered. The one fake is
// authentication's side of the seam, AccountSecurity, which notes what it is asked.

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  // Suffixes of generated usernames: the real ones, unless a test fixes them to make them collide.
  return { ...actual, randomInt: jest.fn(actual.randomInt) };
});
const { randomInt } = jest.requireMock<{ randomInt: jest.Mock }>('node:crypto');

/** Where the requests of these tests come from. */
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Firefox/128.0', requestId: 'req-1' };
const PASSWORD = 'the account password';
const NEW_PASSWORD = 'a fresh long passphrase';
const EMAIL_CHANGES_PER_HOUR = 2;

/** An event as stored. */
type AuditRow = { action: string; actor_id: number | null; user_id: number | null; ip: string; request_id: string; details: object };

/** What AccountSecurity was asked, in order: the method, its account and arguments, and whether it ran in a transaction. */
interface SeamCall {
  method: keyof AccountSecurity;
  userId: number;
  args: unknown[];
  inTransaction: boolean;
}

/**
 * Authentication's side of the seam: it notes each call, checks a current password with bcrypt
 * as a login does, ends sessions and writes its mails (kind and recipient) on the manager it is
 * given, so that they commit with the change or not at all. `refuse` makes a method throw.
 */
class FakeAccountSecurity extends AccountSecurity {
  readonly calls: SeamCall[] = [];
  readonly refuse: Partial<Record<keyof AccountSecurity, Error>> = {};

  constructor(
    private readonly passwords: PasswordService,
    private readonly outbox: MailOutboxRepository,
  ) {
    super();
  }

  async verifyPassword(user: User, password: string, address: string): Promise<void> {
    this.note('verifyPassword', undefined, user.id, address);
    if (!(await this.passwords.verify(password, user.password_hash))) throw problem(ErrorCode.INVALID_CREDENTIALS);
  }

  async liftLockout(user: Pick<User, 'email' | 'username'>): Promise<void> {
    this.note('liftLockout', undefined, 0, user.email, user.username);
  }

  async endSessions(manager: EntityManager, userId: number, exceptSessionId?: string): Promise<void> {
    this.note('endSessions', manager, userId, exceptSessionId);
    await manager.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2`, [
      userId,
      exceptSessionId ?? null,
    ]);
  }

  async accountCreated(manager: EntityManager, user: User): Promise<void> {
    this.note('accountCreated', manager, user.id);
    await this.mail(manager, user.password_hash === null ? 'invitation' : 'verify-email', user.email);
  }

  async emailChangeRequested(manager: EntityManager, user: User, newEmail: string): Promise<void> {
    this.note('emailChangeRequested', manager, user.id, newEmail);
    await this.mail(manager, 'confirm-email-change', newEmail);
    await this.mail(manager, 'cancel-email-change', user.email);
  }

  async emailChanged(manager: EntityManager, user: User, previousEmail: string, byAdministrator: boolean): Promise<void> {
    this.note('emailChanged', manager, user.id, user.email, previousEmail, byAdministrator);
    if (!byAdministrator) return;
    await this.mail(manager, user.password_hash === null ? 'invitation' : 'verify-email', user.email);
    await this.mail(manager, 'email-changed', previousEmail);
  }

  async emailChangeDropped(manager: EntityManager, userId: number): Promise<void> {
    this.note('emailChangeDropped', manager, userId);
  }

  async passwordChanged(manager: EntityManager, userId: number): Promise<void> {
    this.note('passwordChanged', manager, userId);
  }

  /** The calls of `method`, as [userId, ...args, inTransaction]. */
  of(method: keyof AccountSecurity): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => [call.userId, ...call.args, call.inTransaction]);
  }

  private note(method: keyof AccountSecurity, manager: EntityManager | undefined, userId: number, ...args: unknown[]): void {
    this.calls.push({ method, userId, args, inTransaction: manager?.queryRunner?.isTransactionActive === true });
    const refusal = this.refuse[method];
    if (refusal) throw refusal;
  }

  private mail(manager: EntityManager, kind: string, to: string): Promise<void> {
    return this.outbox.on(manager).insert({ kind, to, subject: kind, text: '', html: '' });
  }
}

describe('usernameFromEmail', () => {
  it('takes the local part, lower-cased, with disallowed characters as "_"', () => {
    expect(usernameFromEmail('Jane.Doe+news@example.com')).toBe('jane.doe_news');
    expect(usernameFromEmail('o\'Brien!%x@example.com')).toBe('o_brien__x');
    expect(usernameFromEmail('Zoë@example.com')).toBe('zo_');
  });

  it('keeps digits, "_", "." and "-"', () => {
    expect(usernameFromEmail('a_b.c-1@example.com')).toBe('a_b.c-1');
  });

  it('pads a short local part to 3 characters', () => {
    expect(usernameFromEmail('a@example.com')).toBe('a__');
    expect(usernameFromEmail('ab@example.com')).toBe('ab_');
  });

  it('caps it at 23 characters, leaving room for a 7-character suffix within 30', () => {
    expect(usernameFromEmail(`${'x'.repeat(40)}@example.com`)).toBe('x'.repeat(23));
  });

  it('always yields a valid username', () => {
    for (const email of ['A@b.c', 'Ünïcödé.Üser@example.com', `${'Q'.repeat(64)}@example.com`]) {
      expect(usernameFromEmail(email)).toMatch(/^[a-z0-9_.-]{3,23}$/);
    }
  });
});

describe('UsersService on PGlite', () => {
  let dataSource: AppDataSource;
  let passwords: PasswordService;
  let passwordHash: string;
  let storage: ThrottlerStorageService;
  let security: FakeAccountSecurity;
  let service: UsersService;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
    passwords = new PasswordService(config());
    passwordHash = await passwords.hash(PASSWORD);
  });

  afterAll(() => dataSource?.destroy());

  beforeEach(async () => {
    await dataSource.query('TRUNCATE users, sessions, refresh_tokens, email_tokens, mail_outbox, audit_events RESTART IDENTITY CASCADE');
    randomInt.mockClear();
    storage = new ThrottlerStorageService();
    security = new FakeAccountSecurity(passwords, new MailOutboxRepository(dataSource));
    service = new UsersService(
      new UsersRepository(dataSource),
      passwords,
      security,
      new AuditService(new AuditRepository(dataSource)),
      new AccountQuota(storage),
      config(),
    );
  });

  afterEach(() => storage.onApplicationShutdown());

  function config(): AppConfig {
    return AppConfig.fromEnvironment({ BCRYPT_ROUNDS: '5', EMAIL_CHANGES_PER_HOUR: String(EMAIL_CHANGES_PER_HOUR) });
  }

  /** An account as a row of its own, with PASSWORD unless `fields` says otherwise. */
  async function account(username: string, fields: Partial<User> = {}): Promise<User> {
    const values: Partial<User> = { email: `${username}@example.com`, username, name: username, password_hash: passwordHash, ...fields };
    const columns = Object.keys(values);
    const [user] = await dataSource.query(
      `INSERT INTO users (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
      Object.values(values),
    );
    return user;
  }

  /** The caller of a token for `user`: a session of its own, opened `loggedInSecondsAgo` ago. */
  async function signIn(user: Pick<User, 'id'>, loggedInSecondsAgo = 3_600): Promise<AuthenticatedUser> {
    const sessionId = randomUUID();
    await dataSource.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [sessionId, user.id]);
    return { id: user.id, sessionId, authTime: Math.floor(Date.now() / 1000) - loggedInSecondsAgo };
  }

  /** An active administrator with an open session: the caller of the admin routes. */
  async function administrator(username = 'chief'): Promise<AuthenticatedUser> {
    return signIn(await account(username, { role: Role.ADMIN }));
  }

  const rowOf = async (id: number): Promise<User> => (await dataSource.query('SELECT * FROM users WHERE id = $1', [id]))[0];

  /** The audit trail, oldest first, as stored. */
  const events = (): Promise<AuditRow[]> =>
    dataSource.query('SELECT action, actor_id, user_id, ip, request_id, details FROM audit_events ORDER BY id');

  /** The mails queued, oldest first: their kind and recipient. */
  const mails = async (): Promise<string[][]> =>
    (await dataSource.query('SELECT kind, recipient FROM mail_outbox ORDER BY id')).map(
      (mail: { kind: string; recipient: string }) => [mail.kind, mail.recipient],
    );

  /** Which of the user's sessions are still open. */
  const openSessions = async (userId: number): Promise<string[]> =>
    (await dataSource.query('SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id', [userId])).map(
      (session: { id: string }) => session.id,
    );

  /** An event as these tests' requests make it. */
  const event = (action: AuditAction, actorId: number | null, userId: number, details: object = {}) => ({
    action,
    actor_id: actorId,
    user_id: userId,
    ip: ORIGIN.ip,
    request_id: ORIGIN.requestId,
    details,
  });

  const context = (actor: { id: number }) => ({ actorId: actor.id, origin: ORIGIN });

  /** The owner's change of their own account, as PUT /users and POST /users/password make it. */
  const byOwner = (caller: AuthenticatedUser, changes: UserChanges, options: Partial<ChangeOptions> = {}) =>
    service.change({ caller }, changes, { context: context(caller), ...options });

  /** The owner's change by a link mailed to the account, as the email links' routes make it. */
  const byLink = (user: User, changes: UserChanges, link: MailedLink, manager?: EntityManager) =>
    service.change({ id: user.id }, changes, { context: context(user), link, manager });

  /** An administrator's change of account `id`, as PUT /api/users/:id makes it. */
  const byAdmin = (admin: AuthenticatedUser, id: number, changes: UserChanges, options: Partial<ChangeOptions> = {}) =>
    service.change({ id }, changes, { context: context(admin), ...options });

  /** The ProblemException a change is refused with. */
  const refusal = (promise: Promise<unknown>) => problemFrom(promise);

  describe('reads', () => {
    it('finds an account by id, the caller only while its session is open and its account active (else 401), and a login name', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);

      expect((await service.findById(jane.id))?.email).toBe('jane@example.com');
      expect((await service.callerAccount(caller)).id).toBe(jane.id);
      expect((await service.findByLogin({ username: 'JANE' }))?.id).toBe(jane.id);
      expect((await service.findByLogin({ email: 'Jane@Example.com' }))?.id).toBe(jane.id);

      await dataSource.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [caller.sessionId]);
      expect((await refusal(service.callerAccount(caller))).code).toBe(ErrorCode.UNAUTHORIZED);
      const other = await signIn(jane);
      await dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [jane.id]);
      expect((await refusal(service.callerAccount(other))).code).toBe(ErrorCode.UNAUTHORIZED);
      // An administrator's target is found active or not.
      expect((await service.findById(jane.id))?.is_active).toBe(false);
    });

    it('tells whether an active administrator exists, and lists accounts', async () => {
      expect(await service.hasActiveAdmin()).toBe(false);
      await account('chief', { role: Role.ADMIN, is_active: false });
      expect(await service.hasActiveAdmin()).toBe(false);
      await account('boss', { role: Role.ADMIN });
      expect(await service.hasActiveAdmin()).toBe(true);
      const page = await service.list(Object.assign(new ListUsersQueryDto(), { q: 'bos', limit: 10 }));
      expect(page.users.map((user) => user.username)).toEqual(['boss']);
    });
  });

  describe('create', () => {
    const NEW_USER = { email: 'jane.doe+news@example.com', name: 'Jane Doe', password: 'correct horse battery' };

    it('stores a bcrypt hash, never the password, with a username made from the email, and asks the owner to prove the address', async () => {
      const user = await service.create(NEW_USER);

      const row = await rowOf(user.id);
      expect(row).toMatchObject({ email: NEW_USER.email, name: 'Jane Doe', username: 'jane.doe_news', role: Role.USER, email_verified: false });
      expect(row.password_hash).not.toContain(NEW_USER.password);
      expect(await passwords.verify(NEW_USER.password, row.password_hash)).toBe(true);
      expect(user).toEqual(row);
      // In the transaction that inserts the account: its mail commits with it.
      expect(security.of('accountCreated')).toEqual([[user.id, true]]);
      expect(await mails()).toEqual([['verify-email', NEW_USER.email]]);
    });

    it('makes an account without a password as an invitation: a null hash, no password rule', async () => {
      const user = await service.create({ email: NEW_USER.email, name: 'Jane Doe' });

      expect((await rowOf(user.id)).password_hash).toBeNull();
      expect(await mails()).toEqual([['invitation', NEW_USER.email]]);
    });

    it('records a sign-up by the new account itself, and an administrator\'s creation with the role and whether the owner was invited', async () => {
      const signedUp = await service.create(NEW_USER, { context: { actorId: null, origin: ORIGIN } });
      const admin = await administrator();
      const invited = await service.create({ email: 'ivy@example.com', name: 'Ivy', role: Role.DRIVER }, { context: context(admin) });
      const withPassword = await service.create({ ...NEW_USER, email: 'kim@example.com', role: Role.DRIVER }, { context: context(admin) });

      expect(await events()).toEqual([
        event(AuditAction.SIGNUP, signedUp.id, signedUp.id),
        event(AuditAction.ADMIN_USER_CREATED, admin.id, invited.id, { role: Role.DRIVER, invited: true }),
        event(AuditAction.ADMIN_USER_CREATED, admin.id, withPassword.id, { role: Role.DRIVER, invited: false }),
      ]);
      expect(JSON.stringify(await events())).not.toContain(NEW_USER.password);
    });

    it('records nothing without a context, and leaves nothing of an insert that failed', async () => {
      await service.create(NEW_USER);
      const refused = await refusal(service.create({ ...NEW_USER, username: 'another' }, { context: { actorId: null, origin: ORIGIN } }));

      expect(refused.code).toBe(ErrorCode.EMAIL_TAKEN);
      expect(await events()).toEqual([]);
      expect(await mails()).toEqual([['verify-email', NEW_USER.email]]);
      expect(security.of('accountCreated')).toHaveLength(1);
    });

    it('refuses a weak password with 400 WEAK_PASSWORD, inserting nothing', async () => {
      for (const password of ['password1', 'jane.doe_news', NEW_USER.email]) {
        const weak = await refusal(service.create({ ...NEW_USER, password }));
        expect([password, weak.getStatus(), weak.code]).toEqual([password, 400, ErrorCode.WEAK_PASSWORD]);
      }
      expect(await dataSource.query('SELECT id FROM users')).toEqual([]);
    });

    it('retries a taken generated username with a "_NNNNNN" suffix', async () => {
      await account('jane.doe_news', { email: 'someone.else@example.com' });

      const user = await service.create(NEW_USER);

      expect(user.username).toMatch(/^jane\.doe_news_[1-9]\d{5}$/);
      expect((await rowOf(user.id)).username).toBe(user.username);
    });

    it('gives up with 409 USERNAME_TAKEN after a bounded number of generated usernames', async () => {
      randomInt.mockReturnValue(123456);
      await account('jane.doe_news', { email: 'one@example.com' });
      await account('jane.doe_news_123456', { email: 'two@example.com' });

      const taken = await refusal(service.create(NEW_USER));

      expect([taken.getStatus(), taken.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
      expect(randomInt.mock.calls.length).toBeGreaterThan(0);
      expect(randomInt.mock.calls.length).toBeLessThanOrEqual(10);
      expect(await dataSource.query('SELECT id FROM users WHERE email = $1', [NEW_USER.email])).toEqual([]);
      randomInt.mockReset();
    });

    it('answers a username the caller chose that is taken with 409 USERNAME_TAKEN, without a suffix', async () => {
      await account('janedoe');

      const taken = await refusal(service.create({ ...NEW_USER, username: 'JaneDoe'.toLowerCase() }));

      expect([taken.getStatus(), taken.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
      expect(randomInt).not.toHaveBeenCalled();
    });

    it('answers a taken email with 409 EMAIL_TAKEN, whatever its case, and frees it when its account is deleted', async () => {
      const first = await account('first', { email: NEW_USER.email });

      const taken = await refusal(service.create({ ...NEW_USER, email: NEW_USER.email.toUpperCase() }));
      expect([taken.getStatus(), taken.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);

      await dataSource.query('UPDATE users SET deleted_at = now() WHERE id = $1', [first.id]);
      expect((await service.create(NEW_USER)).id).not.toBe(first.id);
    });

    it('rethrows an error that is no conflict as it is, leaving no account', async () => {
      const refused = service.create({ ...NEW_USER, name: 'x'.repeat(101) });
      await expect(refused).rejects.toBeInstanceOf(QueryFailedError);

      // A unique index the users domain does not know is not a conflict it can explain.
      const otherIndex = Object.assign(new Error('duplicate key value violates unique constraint'), {
        driverError: { code: '23505', constraint: 'sessions_pkey' },
      });
      security.refuse.accountCreated = otherIndex;
      await expect(service.create(NEW_USER)).rejects.toBe(otherIndex);
      expect(await dataSource.query('SELECT id FROM users')).toEqual([]);
    });
  });

  describe("an administrator's change", () => {
    it('sets only the columns given, a password as its bcrypt hash, and raises the version', async () => {
      const admin = await administrator();
      const jane = await account('jane', { firstname: 'Jane', lastname: 'Doe' });

      const user = await byAdmin(admin, jane.id, { name: 'New Name', firstname: undefined, lastname: null, password: NEW_PASSWORD });

      const row = await rowOf(jane.id);
      expect(user).toEqual(row);
      expect(row).toMatchObject({ name: 'New Name', firstname: 'Jane', lastname: null, email: jane.email, version: jane.version + 1 });
      expect(await passwords.verify(NEW_PASSWORD, row.password_hash)).toBe(true);
    });

    it('writes profile fields with their event, which names the fields and never their values', async () => {
      const admin = await administrator();
      const jane = await account('jane');

      await byAdmin(admin, jane.id, { name: 'Jane', phone_number: '+15550100', firstname: undefined });

      expect(await events()).toEqual([event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['name', 'phone_number'] })]);
      expect(security.calls).toEqual([]);
    });

    it("changes an email at once: unverified, an owner's pending change dropped, the links and mails of the change in its transaction", async () => {
      const admin = await administrator();
      const jane = await account('jane', { email_verified: true, pending_email: 'later@example.com' });

      const user = await byAdmin(admin, jane.id, { email: 'new@example.com' });

      expect(await rowOf(jane.id)).toMatchObject({ email: 'new@example.com', email_verified: false, pending_email: null });
      expect(user.email).toBe('new@example.com');
      expect(security.of('emailChanged')).toEqual([[jane.id, 'new@example.com', jane.email, true, true]]);
      expect(await mails()).toEqual([
        ['verify-email', 'new@example.com'],
        ['email-changed', jane.email],
      ]);
      expect(await events()).toEqual([
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['email'] }),
        event(AuditAction.EMAIL_CHANGED, admin.id, jane.id, { old_email: jane.email, new_email: 'new@example.com' }),
      ]);
    });

    it('keeps an email given again as it is: still verified, no mail', async () => {
      const admin = await administrator();
      const jane = await account('jane', { email_verified: true });

      await byAdmin(admin, jane.id, { email: jane.email, name: 'Same' });

      expect(await rowOf(jane.id)).toMatchObject({ email: jane.email, email_verified: true, name: 'Same' });
      expect(await mails()).toEqual([]);
      expect(security.of('emailChanged')).toEqual([]);
    });

    it('answers 404 USER_NOT_FOUND for a missing or deleted account, for any change', async () => {
      const admin = await administrator();
      const gone = await account('gone', { deleted_at: new Date() });

      for (const changes of [{ name: 'x' }, { role: Role.DRIVER }, { password: NEW_PASSWORD }, { is_active: true }, { email: 'x@example.com' }]) {
        for (const id of [gone.id, 9_999]) {
          const missing = await refusal(byAdmin(admin, id, changes));
          expect([changes, missing.getStatus(), missing.code]).toEqual([changes, 404, ErrorCode.USER_NOT_FOUND]);
        }
      }
      // Nothing was lifted, ended or recorded for an account that is not there.
      expect(security.calls).toEqual([]);
      expect(await events()).toEqual([]);
    });

    it("refuses a common password, or one equal to the account's username or to the email the change sets, with 400 WEAK_PASSWORD, changing nothing", async () => {
      const admin = await administrator();
      const jane = await account('jane.doe_news');

      for (const password of ['password1', 'JANE.DOE_NEWS', 'new@example.com']) {
        const weak = await refusal(byAdmin(admin, jane.id, { email: 'new@example.com', password }));
        expect([password, weak.getStatus(), weak.code, weak.errors?.[0].field]).toEqual([password, 400, ErrorCode.WEAK_PASSWORD, 'password']);
      }
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(security.calls).toEqual([]);
    });

    it('sets a new password: the lockout lifted first, every session ended and the reset links voided in its transaction', async () => {
      const admin = await administrator();
      const jane = await account('jane');
      await signIn(jane);
      await signIn(jane);

      await byAdmin(admin, jane.id, { password: NEW_PASSWORD });

      expect(security.calls.map((call) => call.method)).toEqual(['liftLockout', 'endSessions', 'passwordChanged']);
      expect(security.of('liftLockout')).toEqual([[0, jane.email, jane.username, false]]);
      expect(security.of('endSessions')).toEqual([[jane.id, undefined, true]]);
      expect(security.of('passwordChanged')).toEqual([[jane.id, true]]);
      expect(await openSessions(jane.id)).toEqual([]);
      expect(await events()).toEqual([event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['password'] })]);
    });

    it('writes nothing when the lockout cannot be lifted (its store away)', async () => {
      const admin = await administrator();
      const jane = await account('jane', { is_active: false });
      security.refuse.liftLockout = new Error('store away');

      await expect(byAdmin(admin, jane.id, { is_active: true })).rejects.toThrow('store away');
      await expect(byAdmin(admin, jane.id, { password: NEW_PASSWORD })).rejects.toThrow('store away');

      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await events()).toEqual([]);
    });

    it('re-enables an account and lifts its lockout, its sessions kept, the old activity in its event', async () => {
      const admin = await administrator();
      const jane = await account('jane', { is_active: false });
      const session = await signIn(jane);

      await byAdmin(admin, jane.id, { is_active: true });

      expect((await rowOf(jane.id)).is_active).toBe(true);
      expect(security.of('liftLockout')).toEqual([[0, jane.email, jane.username, false]]);
      expect(security.of('endSessions')).toEqual([]);
      expect(await openSessions(jane.id)).toEqual([session.sessionId]);
      expect(await events()).toEqual([
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['is_active'], is_active: { old: false, new: true } }),
      ]);
    });

    it('ends the sessions of an account whose role changes, either way, with the role before and after in its event', async () => {
      const admin = await administrator();
      const jane = await account('jane');
      await signIn(jane);

      await byAdmin(admin, jane.id, { role: Role.ADMIN });
      expect(await openSessions(jane.id)).toEqual([]);
      await signIn(jane);
      await byAdmin(admin, jane.id, { role: Role.DRIVER });

      expect((await rowOf(jane.id)).role).toBe(Role.DRIVER);
      expect(await openSessions(jane.id)).toEqual([]);
      expect(security.of('endSessions')).toEqual([
        [jane.id, undefined, true],
        [jane.id, undefined, true],
      ]);
      expect(await events()).toEqual([
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['role'], role: { old: Role.USER, new: Role.ADMIN } }),
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['role'], role: { old: Role.ADMIN, new: Role.DRIVER } }),
      ]);
    });

    it('keeps the sessions when the role given is the one the account has', async () => {
      const admin = await administrator();
      const jane = await account('jane', { role: Role.DRIVER });
      const session = await signIn(jane);

      await byAdmin(admin, jane.id, { role: Role.DRIVER });

      expect(await openSessions(jane.id)).toEqual([session.sessionId]);
      expect(await events()).toEqual([event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['role'] })]);
    });

    it('deactivates an account, ending its sessions, while another active admin remains', async () => {
      const admin = await administrator();
      const other = await account('other', { role: Role.ADMIN });
      await signIn(other);

      await byAdmin(admin, other.id, { is_active: false });

      expect((await rowOf(other.id)).is_active).toBe(false);
      expect(await openSessions(other.id)).toEqual([]);
      // Deactivating is no reason to lift a lockout.
      expect(security.of('liftLockout')).toEqual([]);
      expect(await events()).toEqual([
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, other.id, { fields: ['is_active'], is_active: { old: true, new: false } }),
      ]);
    });

    it.each([
      ['demote', { role: Role.USER }],
      ['deactivate', { is_active: false }],
    ])('refuses to %s the last active admin with 409 LAST_ADMIN, changing nothing', async (_verb, changes) => {
      const admin = await administrator();
      await account('retired', { role: Role.ADMIN, is_active: false });

      const refused = await refusal(byAdmin(admin, admin.id, changes));

      expect([refused.getStatus(), refused.code]).toEqual([409, ErrorCode.LAST_ADMIN]);
      expect(await rowOf(admin.id)).toMatchObject({ role: Role.ADMIN, is_active: true, version: 1 });
      expect(await openSessions(admin.id)).toEqual([admin.sessionId]);
      expect(security.calls).toEqual([]);
      expect(await events()).toEqual([]);
    });

    it('lets the only active admin demote an inactive admin', async () => {
      const admin = await administrator();
      const retired = await account('retired', { role: Role.ADMIN, is_active: false });

      await byAdmin(admin, retired.id, { role: Role.USER });

      expect((await rowOf(retired.id)).role).toBe(Role.USER);
    });

    it('answers a taken username or email with 409, whatever else the change holds, changing nothing', async () => {
      const admin = await administrator();
      const jane = await account('jane');
      const taken = await account('taken');
      await signIn(jane);

      const username = await refusal(byAdmin(admin, jane.id, { username: taken.username }));
      const email = await refusal(byAdmin(admin, jane.id, { email: taken.email.toUpperCase() }));
      const withPassword = await refusal(byAdmin(admin, jane.id, { email: taken.email, password: NEW_PASSWORD }));

      expect([username.getStatus(), username.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
      expect([email.getStatus(), email.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
      expect([withPassword.getStatus(), withPassword.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
      // The transaction of the password change rolled back: sessions, hash, mails, events.
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await openSessions(jane.id)).toHaveLength(1);
      expect(await mails()).toEqual([]);
      expect(await events()).toEqual([]);
    });

    it('writes only at a version If-Match names: 412 PRECONDITION_FAILED at another, 404 for a missing account', async () => {
      const admin = await administrator();
      const jane = await account('jane');

      const stale = await refusal(byAdmin(admin, jane.id, { name: 'x' }, { versions: [jane.version + 1] }));
      expect([stale.getStatus(), stale.code]).toEqual([412, ErrorCode.PRECONDITION_FAILED]);
      const staleRole = await refusal(byAdmin(admin, jane.id, { role: Role.DRIVER }, { versions: [jane.version + 1] }));
      expect(staleRole.code).toBe(ErrorCode.PRECONDITION_FAILED);
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await events()).toEqual([]);

      const written = await byAdmin(admin, jane.id, { name: 'x' }, { versions: [jane.version - 1, jane.version] });
      expect([written.name, written.version]).toEqual(['x', jane.version + 1]);
      expect((await refusal(byAdmin(admin, 9_999, { name: 'x' }, { versions: [1] }))).code).toBe(ErrorCode.USER_NOT_FOUND);
    });

    it('sets a new email and password at once: both events, the sessions ended, the mails of the new address', async () => {
      const admin = await administrator();
      const jane = await account('jane', { email_verified: true });
      await signIn(jane);

      await byAdmin(admin, jane.id, { email: 'new@example.com', password: NEW_PASSWORD });

      expect(await rowOf(jane.id)).toMatchObject({ email: 'new@example.com', email_verified: false });
      expect(await openSessions(jane.id)).toEqual([]);
      expect(await mails()).toEqual([
        ['verify-email', 'new@example.com'],
        ['email-changed', jane.email],
      ]);
      expect(await events()).toEqual([
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['email', 'password'] }),
        event(AuditAction.EMAIL_CHANGED, admin.id, jane.id, { old_email: jane.email, new_email: 'new@example.com' }),
      ]);
    });

    it('records a new password by the field\'s name only', async () => {
      const admin = await administrator();
      const jane = await account('jane');

      await byAdmin(admin, jane.id, { name: 'x', password: NEW_PASSWORD });

      const trail = JSON.stringify(await events());
      expect(await events()).toEqual([event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['name', 'password'] })]);
      expect(trail).not.toContain(NEW_PASSWORD);
      expect(trail).not.toContain((await rowOf(jane.id)).password_hash);
    });
  });

  describe("the owner's profile", () => {
    it("writes the caller's row with its event, naming the fields", async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);

      const user = await byOwner(caller, { name: 'Jane Doe', lastname: null, firstname: undefined });

      expect(user).toEqual(await rowOf(jane.id));
      expect(user).toMatchObject({ name: 'Jane Doe', lastname: null, version: jane.version + 1 });
      expect(await events()).toEqual([event(AuditAction.PROFILE_UPDATED, jane.id, jane.id, { fields: ['name', 'lastname'] })]);
      expect(security.calls).toEqual([]);
    });

    it('answers 401 when the session ended or the account is deactivated or deleted, writing nothing', async () => {
      const jane = await account('jane');
      const revoked = await signIn(jane);
      await dataSource.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [revoked.sessionId]);
      const ended = await refusal(byOwner(revoked, { name: 'x' }));
      expect([ended.getStatus(), ended.code]).toEqual([401, ErrorCode.UNAUTHORIZED]);

      const caller = await signIn(jane);
      await dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [jane.id]);
      expect((await refusal(byOwner(caller, { name: 'x' }))).getStatus()).toBe(401);
      await dataSource.query('UPDATE users SET is_active = true, deleted_at = now() WHERE id = $1', [jane.id]);
      expect((await refusal(byOwner(caller, { name: 'x' }, { versions: [1] }))).getStatus()).toBe(401);

      expect((await rowOf(jane.id)).name).toBe('jane');
      expect(await events()).toEqual([]);
    });

    it('answers 412 for a stale version, writing nothing', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);

      const stale = await refusal(byOwner(caller, { name: 'x' }, { versions: [jane.version + 1] }));

      expect([stale.getStatus(), stale.code]).toEqual([412, ErrorCode.PRECONDITION_FAILED]);
      expect((await rowOf(jane.id)).version).toBe(jane.version);
      expect(await events()).toEqual([]);
    });

    it('answers a taken username with 409 USERNAME_TAKEN', async () => {
      const jane = await account('jane');
      await account('taken');

      const taken = await refusal(byOwner(await signIn(jane), { username: 'taken' }));

      expect([taken.getStatus(), taken.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
    });

    it('refuses current_password without a new email with 400', async () => {
      const jane = await account('jane');

      const refused = await refusal(byOwner(await signIn(jane), { name: 'x' }, { currentPassword: PASSWORD }));

      expect([refused.getStatus(), refused.errors?.[0].field]).toEqual([400, 'current_password']);
      expect((await rowOf(jane.id)).name).toBe('jane');
    });
  });

  describe("the owner's email change", () => {
    it('asks the current password, then keeps the address while the new one waits for its link, mailing both in the transaction of the write', async () => {
      const jane = await account('jane', { email_verified: true });
      const caller = await signIn(jane);

      const user = await byOwner(caller, { email: 'mine@example.com', name: 'Jane' }, { versions: [jane.version], currentPassword: PASSWORD });

      expect(await rowOf(jane.id)).toMatchObject({ email: jane.email, pending_email: 'mine@example.com', email_verified: true, name: 'Jane' });
      expect(user.pending_email).toBe('mine@example.com');
      expect(security.of('verifyPassword')).toEqual([[jane.id, ORIGIN.ip, false]]);
      expect(security.of('emailChangeRequested')).toEqual([[jane.id, 'mine@example.com', true]]);
      expect(await mails()).toEqual([
        ['confirm-email-change', 'mine@example.com'],
        ['cancel-email-change', jane.email],
      ]);
      expect(await events()).toEqual([
        event(AuditAction.PROFILE_UPDATED, jane.id, jane.id, { fields: ['name'] }),
        event(AuditAction.EMAIL_CHANGE_REQUESTED, jane.id, jane.id, { new_email: 'mine@example.com' }),
      ]);
    });

    it('refuses a new email without the current password (400) or with a wrong one (401), changing nothing and spending no quota', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);

      const missing = await refusal(byOwner(caller, { email: 'mine@example.com' }));
      expect([missing.getStatus(), missing.errors?.[0].field]).toEqual([400, 'current_password']);
      const wrong = await refusal(byOwner(caller, { email: 'mine@example.com'}, { currentPassword: 'not it' }));
      expect([wrong.getStatus(), wrong.code]).toEqual([401, ErrorCode.INVALID_CREDENTIALS]);
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await mails()).toEqual([]);

      // The whole hour's budget is still there.
      for (let i = 0; i < EMAIL_CHANGES_PER_HOUR; i++) {
        await byOwner(caller, { email: `mine${i}@example.com`}, { currentPassword: PASSWORD });
      }
      expect((await rowOf(jane.id)).pending_email).toBe(`mine${EMAIL_CHANGES_PER_HOUR - 1}@example.com`);
    });

    it('allows EMAIL_CHANGES_PER_HOUR changes, then answers 429 RATE_LIMITED with Retry-After, changing nothing', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);
      for (let i = 0; i < EMAIL_CHANGES_PER_HOUR; i++) {
        await byOwner(caller, { email: `mine${i}@example.com`}, { currentPassword: PASSWORD });
      }
      const before = await rowOf(jane.id);

      const limited = await refusal(byOwner(caller, { email: 'one.more@example.com'}, { currentPassword: PASSWORD }));

      expect([limited.getStatus(), limited.code]).toEqual([429, ErrorCode.RATE_LIMITED]);
      expect(Number(limited.headers['Retry-After'])).toBeGreaterThan(0);
      expect(await rowOf(jane.id)).toEqual(before);
      expect(await mails()).toHaveLength(2 * EMAIL_CHANGES_PER_HOUR);
    });

    it('takes a recent login instead of a password for an account that has none: 401 REAUTHENTICATION_REQUIRED after 10 minutes', async () => {
      const invited = await account('ivy', { password_hash: null });

      const stale = await refusal(byOwner(await signIn(invited, 601), { email: 'mine@example.com' }));
      expect([stale.getStatus(), stale.code]).toEqual([401, ErrorCode.REAUTHENTICATION_REQUIRED]);
      expect((await rowOf(invited.id)).pending_email).toBeNull();

      await byOwner(await signIn(invited, 60), { email: 'mine@example.com' });
      expect((await rowOf(invited.id)).pending_email).toBe('mine@example.com');
      expect(security.of('verifyPassword')).toEqual([]);
    });

    it("answers an address that is another account's with 409 EMAIL_TAKEN before anything is written or mailed", async () => {
      const jane = await account('jane');
      const taken = await account('taken');

      const refused = await refusal(
        byOwner(await signIn(jane), { email: taken.email.toUpperCase() }, { currentPassword: PASSWORD }),
      );

      expect([refused.getStatus(), refused.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await mails()).toEqual([]);
      expect(security.of('emailChangeRequested')).toEqual([]);
    });

    it('asks again for the address already waiting: its mails sent anew, within the quota', async () => {
      const jane = await account('jane', { pending_email: 'mine@example.com' });

      await byOwner(await signIn(jane), { email: 'mine@example.com' }, { currentPassword: PASSWORD });

      expect((await rowOf(jane.id)).pending_email).toBe('mine@example.com');
      expect(await mails()).toEqual([
        ['confirm-email-change', 'mine@example.com'],
        ['cancel-email-change', jane.email],
      ]);
      expect(await events()).toEqual([event(AuditAction.EMAIL_CHANGE_REQUESTED, jane.id, jane.id, { new_email: 'mine@example.com' })]);
    });

    it('keeps the address sent again: no password asked, no mail, a pending change dropped', async () => {
      const jane = await account('jane', { pending_email: 'later@example.com' });

      await byOwner(await signIn(jane), { email: jane.email, name: 'Same Mail' });

      expect(await rowOf(jane.id)).toMatchObject({ email: jane.email, pending_email: null, name: 'Same Mail' });
      expect(security.of('verifyPassword')).toEqual([]);
      expect(security.of('emailChangeDropped')).toEqual([[jane.id, true]]);
      expect(await mails()).toEqual([]);
      expect(await events()).toEqual([event(AuditAction.PROFILE_UPDATED, jane.id, jane.id, { fields: ['name'] })]);
    });

    it('leaves the mails and the row as they were when a mail is refused (429 from the budget)', async () => {
      const jane = await account('jane');
      security.refuse.emailChangeRequested = problem(ErrorCode.RATE_LIMITED);

      const refused = await refusal(byOwner(await signIn(jane), { email: 'mine@example.com'}, { currentPassword: PASSWORD }));

      expect(refused.code).toBe(ErrorCode.RATE_LIMITED);
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await events()).toEqual([]);
    });
  });

  describe('the links that make, undo and prove an address', () => {
    /** A link mailed to `email` for `purpose`, followed in a transaction of its own (the spent token's, in auth). */
    const follow = (user: User, changes: UserChanges, email: string, purpose: MailedLink['purpose']) =>
      dataSource.transaction((manager) => byLink(user, changes, { email, purpose }, manager));

    it('makes a pending change: the address proven, its old links voided, its event', async () => {
      const jane = await account('jane', { pending_email: 'mine@example.com' });

      const user = await follow(jane, { email: 'mine@example.com' }, 'mine@example.com', 'email-change');

      expect(user).toEqual(await rowOf(jane.id));
      expect(user).toMatchObject({ email: 'mine@example.com', pending_email: null, email_verified: true });
      expect(security.of('emailChanged')).toEqual([[jane.id, 'mine@example.com', jane.email, false, true]]);
      expect(await events()).toEqual([event(AuditAction.EMAIL_CHANGED, jane.id, jane.id, { old_email: jane.email, new_email: 'mine@example.com' })]);
    });

    it('refuses a change the account no longer waits on (replaced, the account disabled or gone) with 400 INVALID_TOKEN, a taken address with 409', async () => {
      const jane = await account('jane', { pending_email: 'second@example.com' });
      const confirm = (email: string) => follow(jane, { email }, email, 'email-change');

      expect((await refusal(confirm('first@example.com'))).code).toBe(ErrorCode.INVALID_TOKEN);
      await dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [jane.id]);
      expect((await refusal(confirm('second@example.com'))).code).toBe(ErrorCode.INVALID_TOKEN);
      await dataSource.query('UPDATE users SET is_active = true WHERE id = $1', [jane.id]);
      await account('quick', { email: 'second@example.com' });
      const taken = await refusal(confirm('second@example.com'));
      await dataSource.query('UPDATE users SET deleted_at = now() WHERE id = $1', [jane.id]);
      const gone = await refusal(confirm('second@example.com'));

      expect([taken.getStatus(), taken.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
      expect([gone.getStatus(), gone.code]).toEqual([400, ErrorCode.INVALID_TOKEN]);
      expect((await rowOf(jane.id)).email).toBe(jane.email);
      expect(security.of('emailChanged')).toEqual([]);
      expect(await events()).toEqual([]);
    });

    it('undoes a change: the address back (proven), every session ended, the later change dropped', async () => {
      const jane = await account('jane', { email: 'taker@example.com', pending_email: 'other@example.com', email_verified: false });
      await signIn(jane);

      const user = await follow(jane, { email: 'jane@example.com' }, 'jane@example.com', 'email-change-undo');

      expect(user).toMatchObject({ email: 'jane@example.com', pending_email: null, email_verified: true });
      expect(await openSessions(jane.id)).toEqual([]);
      expect(security.of('emailChanged')).toEqual([[jane.id, 'jane@example.com', 'taker@example.com', false, true]]);
      expect(await events()).toEqual([
        event(AuditAction.EMAIL_CHANGE_CANCELLED, jane.id, jane.id, { email: 'jane@example.com', replaced_email: 'taker@example.com', sessions: 'all' }),
      ]);
    });

    it("undoes a change still pending: the address stays as proven as it was, the change's links voided", async () => {
      const jane = await account('jane', { pending_email: 'other@example.com', email_verified: false });

      const user = await follow(jane, { email: jane.email }, jane.email, 'email-change-undo');

      expect(user).toMatchObject({ email: jane.email, pending_email: null, email_verified: false });
      expect(security.of('emailChanged')).toEqual([[jane.id, jane.email, jane.email, false, true]]);
      expect(await events()).toEqual([event(AuditAction.EMAIL_CHANGE_CANCELLED, jane.id, jane.id, { email: jane.email, sessions: 'all' })]);
    });

    it("marks the address verified while it is still the account's, active or not, with its event; 400 INVALID_TOKEN for an address it left", async () => {
      const jane = await account('jane', { is_active: false });
      const verify = (email: string) => byLink(jane, { email_verified: true }, { email, purpose: 'address' });

      const left = await refusal(verify('old@example.com'));
      expect([left.getStatus(), left.code]).toEqual([400, ErrorCode.INVALID_TOKEN]);
      expect(await events()).toEqual([]);
      const user = await verify(jane.email);

      expect(user).toMatchObject({ email_verified: true, version: jane.version + 1 });
      expect(await events()).toEqual([event(AuditAction.EMAIL_VERIFIED, jane.id, jane.id)]);
    });

    it("sets a password from a reset link (the address proven), ending every session, while it is the account's address and the account active", async () => {
      const jane = await account('jane');
      await signIn(jane);
      const reset = (email: string) =>
        byLink(jane, { password: NEW_PASSWORD }, { email, purpose: 'address' });

      expect((await refusal(reset('old@example.com'))).code).toBe(ErrorCode.INVALID_TOKEN);
      await dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [jane.id]);
      expect((await refusal(reset(jane.email))).code).toBe(ErrorCode.INVALID_TOKEN);
      expect(security.calls).toEqual([]);
      await dataSource.query('UPDATE users SET is_active = true WHERE id = $1', [jane.id]);
      await reset(jane.email);

      const row = await rowOf(jane.id);
      expect(await passwords.verify(NEW_PASSWORD, row.password_hash)).toBe(true);
      expect(row.email_verified).toBe(true);
      expect(await openSessions(jane.id)).toEqual([]);
      expect(security.calls.map((call) => call.method)).toEqual(['liftLockout', 'endSessions', 'passwordChanged']);
      expect(await events()).toEqual([
        event(AuditAction.PASSWORD_RESET, jane.id, jane.id, { fields: ['password'] }),
        event(AuditAction.EMAIL_VERIFIED, jane.id, jane.id),
      ]);
    });

    it('refuses a weak password from a reset link with 400 WEAK_PASSWORD naming new_password', async () => {
      const jane = await account('jane');

      const weak = await refusal(byLink(jane, { password: 'jane' }, { email: jane.email, purpose: 'address' }));

      expect([weak.code, weak.errors?.[0].field]).toEqual([ErrorCode.WEAK_PASSWORD, 'new_password']);
      expect(await rowOf(jane.id)).toEqual(jane);
    });
  });

  describe("the owner's password", () => {
    it("writes the new hash, ends every session but the caller's and voids the reset links, in one transaction", async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);
      await signIn(jane);

      const user = await byOwner(caller, { password: NEW_PASSWORD }, { currentPassword: PASSWORD });

      const row = await rowOf(jane.id);
      expect(user).toEqual(row);
      expect(await passwords.verify(NEW_PASSWORD, row.password_hash)).toBe(true);
      expect(row.version).toBe(jane.version + 1);
      expect(await openSessions(jane.id)).toEqual([caller.sessionId]);
      expect(security.of('endSessions')).toEqual([[jane.id, caller.sessionId, true]]);
      expect(security.of('passwordChanged')).toEqual([[jane.id, true]]);
      expect(await events()).toEqual([event(AuditAction.PASSWORD_CHANGED, jane.id, jane.id)]);
      expect(JSON.stringify(await events())).not.toContain(NEW_PASSWORD);
    });

    it('refuses a wrong current password with 401 INVALID_CREDENTIALS, checked as a login checks it, and writes nothing', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);

      const refused = await refusal(byOwner(caller, { password: NEW_PASSWORD }, { currentPassword: 'wrong' }));

      expect([refused.getStatus(), refused.code]).toEqual([401, ErrorCode.INVALID_CREDENTIALS]);
      expect(security.of('verifyPassword')).toEqual([[jane.id, ORIGIN.ip, false]]);
      expect(await rowOf(jane.id)).toEqual(jane);
    });

    it('refuses a weak new password with 400 WEAK_PASSWORD naming new_password', async () => {
      const jane = await account('jane');

      const weak = await refusal(byOwner(await signIn(jane), { password: 'jane@example.com' }, { currentPassword: PASSWORD }));

      expect([weak.getStatus(), weak.code, weak.errors?.[0].field]).toEqual([400, ErrorCode.WEAK_PASSWORD, 'new_password']);
      expect(await rowOf(jane.id)).toEqual(jane);
    });

    it("answers AccountSecurity's refusal (a lockout's 429 ACCOUNT_LOCKED), writing nothing", async () => {
      const jane = await account('jane');
      security.refuse.verifyPassword = problem(ErrorCode.ACCOUNT_LOCKED);

      const locked = await refusal(byOwner(await signIn(jane), { password: NEW_PASSWORD }, { currentPassword: PASSWORD }));

      expect([locked.getStatus(), locked.code]).toEqual([429, ErrorCode.ACCOUNT_LOCKED]);
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await events()).toEqual([]);
    });

    it('answers 401 when the caller no longer holds an open session, without checking the password', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);
      await dataSource.query('UPDATE sessions SET revoked_at = now()');

      expect((await refusal(byOwner(caller, { password: NEW_PASSWORD }, { currentPassword: PASSWORD }))).code).toBe(ErrorCode.UNAUTHORIZED);
      expect(security.calls).toEqual([]);
    });
  });

  describe('deletion', () => {
    it('deletes the own account softly after its password: email and username free, every session ended, its event', async () => {
      const jane = await account('jane');
      const caller = await signIn(jane);

      await expect(service.delete({ caller }, { context: context(caller), currentPassword: PASSWORD })).resolves.toBeUndefined();

      expect((await rowOf(jane.id)).deleted_at).not.toBeNull();
      expect(await service.findById(jane.id)).toBeNull();
      expect(await openSessions(jane.id)).toEqual([]);
      expect(security.of('endSessions')).toEqual([[jane.id, undefined, true]]);
      expect(await events()).toEqual([event(AuditAction.ACCOUNT_DELETED, jane.id, jane.id)]);
      expect((await account('jane')).id).not.toBe(jane.id);
    });

    it.each([
      ['a wrong password', undefined, ErrorCode.INVALID_CREDENTIALS],
      ['a lockout', problem(ErrorCode.ACCOUNT_LOCKED), ErrorCode.ACCOUNT_LOCKED],
    ])('answers %s as AccountSecurity does, deleting nothing', async (_what, thrown, code) => {
      const jane = await account('jane');
      if (thrown) security.refuse.verifyPassword = thrown;

      const refused = await refusal(service.delete({ caller: await signIn(jane) }, { context: context(jane), currentPassword: 'wrong' }));

      expect(refused.code).toBe(code);
      expect(await rowOf(jane.id)).toEqual(jane);
      expect(await events()).toEqual([]);
    });

    it("records an administrator's deletion as admin.user_deleted", async () => {
      const admin = await administrator();
      const jane = await account('jane');

      await service.delete({ id: jane.id }, { context: context(admin) });

      expect((await rowOf(jane.id)).deleted_at).not.toBeNull();
      expect(await events()).toEqual([event(AuditAction.ADMIN_USER_DELETED, admin.id, jane.id)]);
    });

    it('refuses to delete the last active admin with 409 LAST_ADMIN, by themselves or another', async () => {
      const admin = await administrator();

      const own = await refusal(service.delete({ caller: admin }, { context: context(admin), currentPassword: PASSWORD }));
      const byId = await refusal(service.delete({ id: admin.id }, { context: context(admin) }));

      expect([own.getStatus(), own.code, byId.code]).toEqual([409, ErrorCode.LAST_ADMIN, ErrorCode.LAST_ADMIN]);
      expect((await rowOf(admin.id)).deleted_at).toBeNull();
      expect(await openSessions(admin.id)).toEqual([admin.sessionId]);
      expect(await events()).toEqual([]);
    });

    it('answers an administrator 404 and a caller 401 when there is nothing to delete', async () => {
      const admin = await administrator();
      const gone = await account('gone', { deleted_at: new Date() });

      expect((await refusal(service.delete({ id: gone.id }, { context: context(admin) }))).code).toBe(ErrorCode.USER_NOT_FOUND);
      const caller = await signIn(gone);
      expect((await refusal(service.delete({ caller }, { context: context(caller), currentPassword: PASSWORD }))).code).toBe(ErrorCode.UNAUTHORIZED);
      expect(security.of('endSessions')).toEqual([]);
    });
  });

  describe('pictures, lockouts and hashes', () => {
    it("points image_path at a picture in the caller's transaction, as the owner's or an administrator's change", async () => {
      const admin = await administrator();
      const jane = await account('jane');
      const caller = await signIn(jane);

      const locked = await dataSource.transaction(async (manager) => {
        const previous = await service.lockedImagePath({ caller }, manager);
        await byOwner(caller, { image_path: '/avatars/own.webp' }, { manager: manager });
        return previous;
      });
      await dataSource.transaction((manager) => byAdmin(admin, jane.id, { image_path: '/avatars/admin.webp' }, { manager: manager }));

      expect(locked).toBe(jane.image_path);
      expect((await rowOf(jane.id)).image_path).toBe('/avatars/admin.webp');
      expect(await events()).toEqual([
        event(AuditAction.PROFILE_UPDATED, jane.id, jane.id, { fields: ['image_path'] }),
        event(AuditAction.ADMIN_USER_UPDATED, admin.id, jane.id, { fields: ['image_path'] }),
      ]);
      const gone = await refusal(dataSource.transaction((manager) => byAdmin(admin, 9_999, { image_path: '/avatars/x.webp' }, { manager: manager })));
      expect(gone.code).toBe(ErrorCode.USER_NOT_FOUND);
    });

    it('lifts the login lockout of a live account with its event, and answers 404 for a missing one', async () => {
      const admin = await administrator();
      const jane = await account('jane');

      await service.unlock(jane.id, context(admin));
      const missing = await refusal(service.unlock(9_999, context(admin)));

      expect(missing.code).toBe(ErrorCode.USER_NOT_FOUND);
      expect(security.of('liftLockout')).toEqual([[0, jane.email, jane.username, false]]);
      expect(await events()).toEqual([event(AuditAction.ADMIN_USER_UNLOCKED, admin.id, jane.id)]);
    });

    it('rehashes a hash made at a lower cost, only while it is still the stored one, and leaves one at the current cost alone', async () => {
      const cheaper = new PasswordService(AppConfig.fromEnvironment({ BCRYPT_ROUNDS: '4' }));
      const cheap = await account('cheap', { password_hash: await cheaper.hash(PASSWORD) });
      const current = await account('current');
      const moved = await account('moved', { password_hash: cheap.password_hash });
      await dataSource.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, moved.id]);

      for (const login of [cheap, current, moved]) {
        await expect(service.change({ id: login.id }, { password: PASSWORD }, { context: context(login), login })).resolves.toBe(login);
      }

      const rehashed = await rowOf(cheap.id);
      expect(passwords.needsRehash(rehashed.password_hash!)).toBe(false);
      expect(await passwords.verify(PASSWORD, rehashed.password_hash)).toBe(true);
      // Not a change of the account: its version and its trail stay.
      expect(rehashed.version).toBe(cheap.version);
      expect((await rowOf(current.id)).password_hash).toBe(passwordHash);
      expect((await rowOf(moved.id)).password_hash).toBe(passwordHash);
      expect(await events()).toEqual([]);
    });
  });
});
