import type { EntityManager } from 'typeorm';
import { problemFrom } from '../../test/support/problem-from';
import { AuditAction } from '../audit/audit-action.enum';
import type { AuditService } from '../audit/audit.service';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';
import type { AccountQuota } from '../common/account-quota';
import type { AppConfig } from '../config/app-config';
import type { AccountSecurity } from './account-security';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import type { PasswordService } from './password.service';
import { Role } from '../access/role.enum';
import type { User } from './user.entity';
import type { UsersRepository } from './users.repository';
import { usernameFromEmail, UsersService } from './users.service';

// UsersService's rules, over fakes of what it depends on. The SQL behind each repository method
// is tested on a real database (users.repository.db.spec.ts), the statements' text in
// users.repository.spec.ts; lockouts and sessions are auth's side of AccountSecurity, not these rules.

const CALLER = { id: 5, sessionId: '00000000-0000-4000-8000-000000000000' };
const NEW_USER = { email: 'jane.doe+news@example.com', name: 'Jane Doe', password: 'correct horse' };
const STORED = { id: 1, email: NEW_USER.email, username: 'jane.doe_news', password_hash: 'stored-hash', pending_email: null } as User;

/** Where the requests of these tests come from, and an administrator's (id 9) audit context. */
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Firefox/128.0', requestId: 'req-1' };
const ADMIN = { actorId: 9, origin: ORIGIN };

/** The event of a caller's profile change that writes `fields`, as the repository's update gets it. */
const profileEvent = (fields: string[]) => ({
  action: AuditAction.PROFILE_UPDATED,
  actorId: CALLER.id,
  userId: CALLER.id,
  origin: ORIGIN,
  details: { fields },
});

/** A TypeORM-style unique violation on `constraint`, as the repository lets PGlite's and pg's through. */
const uniqueViolation = (constraint: string) =>
  Object.assign(new Error('duplicate key value violates unique constraint'), {
    driverError: { code: '23505', constraint },
  });

/** Stand-ins for the managers: a change's other statements (its sessions) must use the transaction's. */
const MANAGER = { name: 'the data source manager' } as unknown as EntityManager;
const TRANSACTION_MANAGER = { name: "a transaction's manager" } as unknown as EntityManager;

type RepositoryMethod =
  | 'find'
  | 'findByLogin'
  | 'list'
  | 'insert'
  | 'update'
  | 'softDelete'
  | 'lockForAdminChange'
  | 'serializeAdminChanges'
  | 'activeAdminIds'
  | 'hasActiveAdmin'
  | 'replaceHash'
  | 'lockedRow'
  | 'emailTaken'
  | 'markEmailVerified'
  | 'roleOf';

type FakeUsersRepository = jest.Mocked<Pick<UsersRepository, RepositoryMethod>> & {
  manager: EntityManager;
  transaction: jest.Mock<Promise<unknown>, [(bound: FakeUsersRepository) => Promise<unknown>]>;
};

function setup() {
  // By default the account exists, every write succeeds, and two other admins are active.
  const users: FakeUsersRepository = {
    manager: MANAGER,
    find: jest.fn().mockResolvedValue(STORED),
    findByLogin: jest.fn().mockResolvedValue(STORED),
    list: jest.fn().mockResolvedValue({ users: [STORED], total: 1 }),
    insert: jest.fn().mockResolvedValue(STORED),
    update: jest.fn().mockResolvedValue(STORED),
    softDelete: jest.fn().mockResolvedValue(true),
    serializeAdminChanges: jest.fn().mockResolvedValue(undefined),
    lockForAdminChange: jest.fn().mockResolvedValue({ role: Role.USER, is_active: true }),
    activeAdminIds: jest.fn().mockResolvedValue([1, 2]),
    hasActiveAdmin: jest.fn().mockResolvedValue(true),
    replaceHash: jest.fn().mockResolvedValue(undefined),
    // The row before an email change: the stored one, unless a test says otherwise.
    lockedRow: jest.fn().mockResolvedValue(STORED),
    emailTaken: jest.fn().mockResolvedValue(false),
    // The admin routes' caller is an active ADMIN with an open session, unless a test says otherwise.
    roleOf: jest.fn().mockResolvedValue(Role.ADMIN),
    markEmailVerified: jest.fn().mockResolvedValue(STORED),
    transaction: jest.fn((work) => work(inTransaction)),
  };
  // The repository bound to the transaction: the same fake methods, so that a test sets each up
  // once, but another manager, and calls on it are told apart by their `this`.
  const inTransaction: FakeUsersRepository = Object.assign(Object.create(users), { manager: TRANSACTION_MANAGER });
  const security: jest.Mocked<AccountSecurity> = {
    verifyPassword: jest.fn().mockResolvedValue(undefined),
    liftLockout: jest.fn().mockResolvedValue(undefined),
    endSessions: jest.fn().mockResolvedValue(undefined),
    accountCreated: jest.fn().mockResolvedValue(undefined),
    emailChangeRequested: jest.fn().mockResolvedValue(undefined),
    emailChanged: jest.fn().mockResolvedValue(undefined),
    emailChangeDropped: jest.fn().mockResolvedValue(undefined),
    passwordChanged: jest.fn().mockResolvedValue(undefined),
  };
  const quota = { spend: jest.fn().mockResolvedValue(undefined) };
  const passwords = {
    hash: jest.fn().mockResolvedValue('hashed'),
    verify: jest.fn().mockResolvedValue(true),
    needsRehash: jest.fn().mockReturnValue(false),
  };
  // The audit trail: `record` shows in calls(); the manager it is given tells a transaction's event.
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const service = new UsersService(
    users as unknown as UsersRepository,
    passwords as unknown as PasswordService,
    security,
    audit as unknown as AuditService,
    quota as unknown as AccountQuota,
    { emailTokens: { emailChangesPerHour: 5 } } as AppConfig,
  );

  /**
   * Every call made to the fakes, by method name, in order; a repository method called on the
   * transaction's repository reads `tx.<method>` (endSessions and the audit's record show it by
   * their manager argument). Asserting it whole also says nothing else ran.
   */
  function calls(): string[] {
    const fakes = Object.entries({ ...users, ...security, ...passwords, ...audit, ...quota }).filter(([, fake]) =>
      jest.isMockFunction(fake),
    ) as [string, jest.Mock][];
    return fakes
      .flatMap(([name, fake]) =>
        fake.mock.invocationCallOrder.map((order, call) => ({
          order,
          name: fake.mock.contexts[call] === inTransaction ? `tx.${name}` : name,
        })),
      )
      .sort((a, b) => a.order - b.order)
      .map(({ name }) => name);
  }

  return { service, users, security, passwords, audit, quota, calls };
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
    const username = usernameFromEmail(`${'x'.repeat(40)}@example.com`);
    expect(username).toBe('x'.repeat(23));
  });

  it('always yields a valid username', () => {
    for (const email of ['A@b.c', 'Ünïcödé.Üser@example.com', `${'Q'.repeat(64)}@example.com`]) {
      expect(usernameFromEmail(email)).toMatch(/^[a-z0-9_.-]{3,23}$/);
    }
  });
});

describe('UsersService reads', () => {
  it("answers the repository's rows: an admin's target by id, the caller with its session", async () => {
    const { service, users } = setup();

    await expect(service.findById(9)).resolves.toBe(STORED);
    await expect(service.findByCaller(CALLER)).resolves.toBe(STORED);
    await expect(service.findByLogin({ username: 'Jane.Doe_News' })).resolves.toBe(STORED);
    await expect(service.hasActiveAdmin()).resolves.toBe(true);
    const query = Object.assign(new ListUsersQueryDto(), { q: 'jane' });
    await expect(service.list(query)).resolves.toEqual({ users: [STORED], total: 1 });

    // The caller's target is what makes the repository check the token's session.
    expect(users.find.mock.calls).toEqual([[{ id: 9 }], [{ caller: CALLER }]]);
    expect(users.findByLogin).toHaveBeenCalledWith({ username: 'Jane.Doe_News' });
    expect(users.list).toHaveBeenCalledWith(query);
  });
});

describe('UsersService.create', () => {
  it('inserts the hashed password, never the plain one, with a username made from the email', async () => {
    const { service, users, passwords, security, calls } = setup();

    await expect(service.create(NEW_USER)).resolves.toBe(STORED);

    expect(passwords.hash).toHaveBeenCalledWith('correct horse');
    expect(users.insert.mock.calls).toEqual([
      [{ email: NEW_USER.email, name: 'Jane Doe', username: 'jane.doe_news', password_hash: 'hashed' }],
    ]);
    // The owner is asked to prove the address in the transaction that inserts the account.
    expect(calls()).toEqual(['hash', 'transaction', 'tx.insert', 'accountCreated']);
    expect(security.accountCreated.mock.calls).toEqual([[TRANSACTION_MANAGER, STORED]]);
  });

  it('makes an account without a password (an invitation): nothing hashed, no password rule, a null hash', async () => {
    const { service, users, passwords, calls } = setup();

    await expect(service.create({ email: NEW_USER.email, name: 'Jane Doe' })).resolves.toBe(STORED);

    expect(passwords.hash).not.toHaveBeenCalled();
    expect(users.insert.mock.calls[0][0]).toMatchObject({ password_hash: null, username: 'jane.doe_news' });
    expect(calls()).toEqual(['transaction', 'tx.insert', 'accountCreated']);
  });

  it("records a sign-up, by the new account itself, in the transaction that inserts it", async () => {
    const { service, audit, calls } = setup();

    await expect(service.create(NEW_USER, { actorId: null, origin: ORIGIN })).resolves.toBe(STORED);

    expect(calls()).toEqual(['hash', 'transaction', 'tx.insert', 'accountCreated', 'record']);
    expect(audit.record.mock.calls).toEqual([
      [{ action: AuditAction.SIGNUP, actorId: STORED.id, userId: STORED.id, origin: ORIGIN, details: undefined }, TRANSACTION_MANAGER],
    ]);
  });

  it("records an administrator's creation with the role and whether the owner was invited", async () => {
    const { service, users, audit } = setup();
    const created = { ...STORED, role: Role.DRIVER } as User;
    users.insert.mockResolvedValue(created);

    await service.create({ email: NEW_USER.email, name: 'Jane Doe', role: Role.DRIVER }, ADMIN);
    await service.create({ ...NEW_USER, role: Role.DRIVER }, ADMIN);

    const event = (invited: boolean) => ({
      action: AuditAction.ADMIN_USER_CREATED,
      actorId: ADMIN.actorId,
      userId: STORED.id,
      origin: ORIGIN,
      details: { role: Role.DRIVER, invited },
    });
    expect(audit.record.mock.calls).toEqual([
      [event(true), TRANSACTION_MANAGER],
      [event(false), TRANSACTION_MANAGER],
    ]);
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(NEW_USER.password);
  });

  it('records nothing without a context, and nothing for an insert that failed', async () => {
    const { service, users, audit } = setup();

    await service.create(NEW_USER);
    users.insert.mockRejectedValueOnce(uniqueViolation('users_email_live_key'));
    await problemFrom(service.create(NEW_USER, ADMIN));

    expect(audit.record).not.toHaveBeenCalled();
  });

  it('retries a taken generated username with a "_NNNNNN" suffix', async () => {
    const { service, users } = setup();
    users.insert.mockRejectedValueOnce(uniqueViolation('users_username_live_key'));

    await expect(service.create(NEW_USER)).resolves.toBe(STORED);

    expect(users.insert).toHaveBeenCalledTimes(2);
    expect(users.insert.mock.calls[0][0].username).toBe('jane.doe_news');
    expect(users.insert.mock.calls[1][0].username).toMatch(/^jane\.doe_news_[1-9]\d{5}$/);
  });

  it('gives up with 409 USERNAME_TAKEN after a bounded number of generated usernames', async () => {
    const { service, users } = setup();
    users.insert.mockRejectedValue(uniqueViolation('users_username_live_key'));

    const problem = await problemFrom(service.create(NEW_USER));

    expect([problem.getStatus(), problem.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
    expect(users.insert.mock.calls.length).toBeGreaterThan(1);
    expect(users.insert.mock.calls.length).toBeLessThanOrEqual(10);
  });

  it('answers a taken username that the caller chose with 409 USERNAME_TAKEN, without retrying', async () => {
    const { service, users } = setup();
    users.insert.mockRejectedValueOnce(uniqueViolation('users_username_live_key'));

    const problem = await problemFrom(service.create({ ...NEW_USER, username: 'janedoe' }));

    expect([problem.getStatus(), problem.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
    expect(users.insert).toHaveBeenCalledTimes(1);
    expect(users.insert.mock.calls[0][0].username).toBe('janedoe');
  });

  it('answers a taken email with 409 EMAIL_TAKEN, without retrying', async () => {
    const { service, users } = setup();
    users.insert.mockRejectedValueOnce(uniqueViolation('users_email_live_key'));

    const problem = await problemFrom(service.create(NEW_USER));

    expect([problem.getStatus(), problem.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
    expect(users.insert).toHaveBeenCalledTimes(1);
  });

  it('rethrows any other error as it is', async () => {
    const { service, users } = setup();
    const failure = new Error('connection terminated');
    users.insert.mockRejectedValueOnce(failure);
    await expect(service.create(NEW_USER)).rejects.toBe(failure);

    // A unique index the users domain does not know is not a conflict it can explain.
    const otherIndex = uniqueViolation('sessions_pkey');
    users.insert.mockRejectedValueOnce(otherIndex);
    await expect(service.create(NEW_USER)).rejects.toBe(otherIndex);
  });
});

describe('UsersService.update and updateProfile', () => {
  it('sets only the columns given, hashing password into password_hash', async () => {
    const { service, users, passwords } = setup();

    await expect(
      service.update(5, { name: 'New Name', firstname: undefined, lastname: null, password: 'a new passphrase' }),
    ).resolves.toBe(STORED);

    expect(passwords.hash).toHaveBeenCalledWith('a new passphrase');
    expect(users.update).toHaveBeenCalledTimes(1);
    const [target, values, versions] = users.update.mock.calls[0];
    expect([target, versions]).toEqual([{ id: 5 }, undefined]);
    // Leaving out the undefined firstname is the repository's work (users.repository.spec.ts).
    expect(values).toEqual({ name: 'New Name', lastname: null, password_hash: 'hashed' });
    expect(values).not.toHaveProperty('password');
  });

  it('does not hash anything when no password is given', async () => {
    const { service, users, passwords } = setup();

    await service.update(5, { name: 'New Name' });

    expect(passwords.hash).not.toHaveBeenCalled();
    expect(users.update.mock.calls).toEqual([[{ id: 5 }, { name: 'New Name' }, undefined, undefined]]);
  });

  it("changes an email at once for an administrator: the row locked, the address unverified, an owner's pending change dropped", async () => {
    const { service, users, security, calls } = setup();

    await service.update(5, { email: 'new@example.com' });

    expect(users.lockedRow.mock.calls).toEqual([[{ id: 5 }]]);
    expect(users.update.mock.calls).toEqual([
      [{ id: 5 }, { email: 'new@example.com', email_verified: false, pending_email: null }, undefined, undefined],
    ]);
    expect(calls()).toEqual(['transaction', 'tx.lockedRow', 'tx.update', 'emailChanged']);
    expect(security.emailChanged.mock.calls).toEqual([[TRANSACTION_MANAGER, STORED, STORED.email, true]]);
  });

  it("keeps the owner's address when it is sent again: no proof asked, no mail, a pending change dropped", async () => {
    const { service, users, security, audit } = setup();
    users.find.mockResolvedValueOnce({ ...STORED, pending_email: 'later@example.com' } as User);

    await service.updateProfile(CALLER, { email: STORED.email, name: 'Same Mail' }, undefined, ORIGIN);

    expect(users.update.mock.calls).toEqual([
      [{ caller: CALLER }, { name: 'Same Mail', pending_email: null }, undefined, profileEvent(['name'])],
    ]);
    expect(security.verifyPassword).not.toHaveBeenCalled();
    expect(security.emailChangeDropped.mock.calls).toEqual([[TRANSACTION_MANAGER, STORED.id]]);
    expect(security.emailChangeRequested).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it("asks the owner's current password, within the hour's budget, before a new email waits for its link", async () => {
    const { service, users, security, quota, audit, calls } = setup();

    await service.updateProfile(CALLER, { email: 'mine@example.com', current_password: 'the password' }, [3], ORIGIN);

    expect(security.verifyPassword.mock.calls).toEqual([[STORED, 'the password', ORIGIN.ip]]);
    expect(quota.spend.mock.calls).toEqual([[{ name: 'email-change', limit: 5, windowSeconds: 3600 }, STORED.id]]);
    // The address stays; the new one waits, and is mailed in the transaction of the write.
    expect(users.update.mock.calls).toEqual([[{ caller: CALLER }, { pending_email: 'mine@example.com' }, [3], undefined]]);
    expect(calls()).toEqual(['find', 'verifyPassword', 'spend', 'emailTaken', 'transaction', 'tx.update', 'emailChangeRequested', 'record']);
    expect(security.emailChangeRequested.mock.calls).toEqual([[TRANSACTION_MANAGER, STORED, 'mine@example.com']]);
    expect(audit.record.mock.calls).toEqual([
      [
        {
          action: AuditAction.EMAIL_CHANGE_REQUESTED,
          actorId: CALLER.id,
          userId: CALLER.id,
          origin: ORIGIN,
          details: { new_email: 'mine@example.com' },
        },
        TRANSACTION_MANAGER,
      ],
    ]);
  });

  it('refuses a new email without the current password (400), or with a wrong one (401), changing nothing', async () => {
    const { service, users, security, quota } = setup();
    const missing = await problemFrom(service.updateProfile(CALLER, { email: 'mine@example.com' }, undefined, ORIGIN));
    expect([missing.getStatus(), missing.errors]).toEqual([400, [{ field: 'current_password', message: expect.any(String) }]]);

    security.verifyPassword.mockRejectedValueOnce(problem(ErrorCode.INVALID_CREDENTIALS));
    const wrong = await problemFrom(service.updateProfile(CALLER, { email: 'mine@example.com', current_password: 'no' }, undefined, ORIGIN));
    expect(wrong.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(quota.spend).not.toHaveBeenCalled();
    expect(users.update).not.toHaveBeenCalled();
  });

  it('takes a recent login instead of a password for an account that has none', async () => {
    const { service, users } = setup();
    users.find.mockResolvedValue({ ...STORED, password_hash: null } as User);
    const now = Math.floor(Date.now() / 1000);

    const stale = await problemFrom(service.updateProfile({ ...CALLER, authTime: now - 601 }, { email: 'mine@example.com' }, undefined, ORIGIN));
    expect([stale.getStatus(), stale.code]).toEqual([401, ErrorCode.REAUTHENTICATION_REQUIRED]);
    expect(users.update).not.toHaveBeenCalled();

    await service.updateProfile({ ...CALLER, authTime: now - 60 }, { email: 'mine@example.com' }, undefined, ORIGIN);
    expect(users.update).toHaveBeenCalledTimes(1);
  });

  it('writes a harmless change in one statement: no transaction, no lock, no session ended', async () => {
    const { service, calls } = setup();

    await expect(service.update(5, { name: 'x', role: undefined })).resolves.toBe(STORED);

    expect(calls()).toEqual(['update']);
  });

  it('answers 404 USER_NOT_FOUND when update finds no live row', async () => {
    const { service, users } = setup();
    users.update.mockResolvedValueOnce(null);

    const problem = await problemFrom(service.update(404, { name: 'x' }));

    expect([problem.getStatus(), problem.code]).toEqual([404, ErrorCode.USER_NOT_FOUND]);
    // Without If-Match there is no stale version to tell apart: no second look.
    expect(users.find).not.toHaveBeenCalled();
  });

  it('answers 404 for a sensitive change when the locked row is missing, without writing', async () => {
    const { service, users, calls } = setup();
    users.lockForAdminChange.mockResolvedValueOnce(undefined);

    const problem = await problemFrom(service.update(404, { role: Role.DRIVER }));

    expect([problem.getStatus(), problem.code]).toEqual([404, ErrorCode.USER_NOT_FOUND]);
    expect(users.lockForAdminChange).toHaveBeenCalledWith(404);
    expect(calls()).toEqual(['transaction', 'tx.serializeAdminChanges', 'tx.lockForAdminChange']);
  });

  it('answers 404 for a new password of a missing user before any lockout or write', async () => {
    const { service, users, calls } = setup();
    users.find.mockResolvedValueOnce(null);

    expect((await problemFrom(service.update(404, { password: 'a new passphrase' }))).code).toBe(ErrorCode.USER_NOT_FOUND);
    expect(users.find).toHaveBeenCalledWith({ id: 404 });
    expect(calls()).toEqual(['find']);
  });

  it('refuses a common password or one equal to the email or username with 400 WEAK_PASSWORD, changing nothing', async () => {
    // Common; the stored username; the email the same change sets.
    for (const password of ['password1', 'JANE.DOE_NEWS', 'new@example.com']) {
      const { service, calls } = setup();

      const problem = await problemFrom(service.update(5, { email: 'new@example.com', password }));

      expect([password, problem.getStatus(), problem.code]).toEqual([password, 400, ErrorCode.WEAK_PASSWORD]);
      expect([password, calls()]).toEqual([password, ['find']]);
    }
  });

  it('sets a new password in a transaction: lock the row, write, end the sessions, lift the lockout', async () => {
    const { service, users, security, calls } = setup();
    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: true });

    await expect(service.update(5, { password: 'a new passphrase' })).resolves.toBe(STORED);

    // The lockout is lifted before the transaction: were its store away, nothing would be
    // written. Not a demotion: the active admins are not looked at.
    expect(calls()).toEqual([
      'find',
      'liftLockout',
      'hash',
      'transaction',
      'tx.serializeAdminChanges',
      'tx.lockForAdminChange',
      'tx.update',
      'endSessions',
      'passwordChanged',
    ]);
    expect(security.liftLockout).toHaveBeenCalledWith(STORED);
    expect(users.lockForAdminChange).toHaveBeenCalledWith(5);
    expect(users.update).toHaveBeenCalledWith({ id: 5 }, { password_hash: 'hashed' }, undefined, undefined);
    // All of the user's sessions, in the transaction of the change.
    expect(security.endSessions.mock.calls).toEqual([[TRANSACTION_MANAGER, 5]]);
  });

  it('takes the admin-changes lock first in a sensitive change and in a delete, and nowhere else', async () => {
    const { service, users, calls } = setup();

    await service.update(5, { role: Role.DRIVER });
    expect(calls().slice(0, 3)).toEqual(['transaction', 'tx.serializeAdminChanges', 'tx.lockForAdminChange']);

    const before = calls().length;
    await service.remove({ id: 5 }, ADMIN);
    expect(calls().slice(before, before + 3)).toEqual(['transaction', 'tx.serializeAdminChanges', 'tx.activeAdminIds']);

    await service.update(5, { name: 'Plain' });
    await service.updateProfile(CALLER, { name: 'Plain' }, undefined, ORIGIN);
    expect(users.serializeAdminChanges).toHaveBeenCalledTimes(2);
  });

  it('ends the sessions of a user whose role changes, locking the admins first when demoting', async () => {
    const { service, users, security, calls } = setup();

    await service.update(5, { role: Role.DRIVER });

    expect(calls()).toEqual([
      'transaction',
      'tx.serializeAdminChanges',
      'tx.lockForAdminChange',
      'tx.activeAdminIds',
      'tx.update',
      'endSessions',
    ]);
    expect(users.update).toHaveBeenCalledWith({ id: 5 }, { role: Role.DRIVER }, undefined, undefined);
    expect(security.endSessions.mock.calls).toEqual([[TRANSACTION_MANAGER, 5]]);
  });

  it('ends the sessions of a user made ADMIN, without locking the admins', async () => {
    const { service, security, calls } = setup();

    await service.update(5, { role: Role.ADMIN });

    expect(calls()).toEqual([
      'transaction',
      'tx.serializeAdminChanges',
      'tx.lockForAdminChange',
      'tx.update',
      'endSessions',
    ]);
    expect(security.endSessions.mock.calls).toEqual([[TRANSACTION_MANAGER, 5]]);
  });

  it('keeps the sessions when the role given is the one the user has', async () => {
    const { service, users, calls } = setup();
    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: true });

    await expect(service.update(5, { role: Role.ADMIN })).resolves.toBe(STORED);

    expect(calls()).toEqual(['transaction', 'tx.serializeAdminChanges', 'tx.lockForAdminChange', 'tx.update']);
  });

  it('re-enables an account without a transaction and lifts its login lockout', async () => {
    const { service, users, security, calls } = setup();

    await expect(service.update(7, { is_active: true })).resolves.toBe(STORED);

    expect(calls()).toEqual(['find', 'liftLockout', 'update']);
    expect(users.find).toHaveBeenCalledWith({ id: 7 });
    expect(security.liftLockout).toHaveBeenCalledWith(STORED);
    expect(users.update).toHaveBeenCalledWith({ id: 7 }, { is_active: true }, undefined, undefined);
  });

  it('writes only once the login lockout is lifted, and nothing when it cannot be', async () => {
    const { service, users, security } = setup();
    let lift!: () => void;
    security.liftLockout.mockReturnValueOnce(new Promise<void>((done) => (lift = done)));

    const update = service.update(7, { is_active: true });
    await new Promise((done) => setImmediate(done));
    expect(security.liftLockout).toHaveBeenCalledWith(STORED);
    expect(users.update).not.toHaveBeenCalled();

    lift();
    await expect(update).resolves.toBe(STORED);
    expect(users.update).toHaveBeenCalledTimes(1);

    const away = new Error('store away');
    security.liftLockout.mockRejectedValueOnce(away);
    await expect(service.update(7, { is_active: true })).rejects.toBe(away);
    expect(users.update).toHaveBeenCalledTimes(1);
  });

  it('answers 401 when updateProfile finds no live, active row', async () => {
    const { service, users } = setup();
    users.update.mockResolvedValueOnce(null);

    const problem = await problemFrom(service.updateProfile(CALLER, { name: 'x' }, undefined, ORIGIN));

    expect([problem.getStatus(), problem.code]).toEqual([401, ErrorCode.UNAUTHORIZED]);
    expect(users.update.mock.calls).toEqual([[{ caller: CALLER }, { name: 'x' }, undefined, profileEvent(['name'])]]);
    expect(users.find).not.toHaveBeenCalled();
  });

  it("writes the profile in one update of the caller's row, which checks the open session", async () => {
    const { service, users, calls } = setup();

    await expect(service.updateProfile(CALLER, { name: 'x' }, undefined, ORIGIN)).resolves.toBe(STORED);

    // A `caller` target makes the statement check the session (users.repository.spec.ts); its
    // event is written by the same statement, not by a call of its own.
    expect(users.update.mock.calls).toEqual([[{ caller: CALLER }, { name: 'x' }, undefined, profileEvent(['name'])]]);
    expect(calls()).toEqual(['update']);
  });

  it("records a profile change's field names, never a value: a password's least of all", async () => {
    const { service, users, audit } = setup();

    await service.update(5, { name: 'x', firstname: undefined, password: 'a secret passphrase' }, [2], { actorId: CALLER.id, origin: ORIGIN });

    const [event] = audit.record.mock.calls[0];
    // A field left undefined is not changed, so not named.
    expect(event.details.fields).toEqual(['name', 'password']);
    expect(users.update.mock.calls[0][1]).toEqual({ name: 'x', firstname: undefined, password_hash: 'hashed' });
    expect(JSON.stringify(event)).not.toContain('a secret passphrase');
    expect(JSON.stringify(event)).not.toContain('hashed');
  });

  it('answers a taken email (before anything is written) or username with 409', async () => {
    const { service, users } = setup();
    users.emailTaken.mockResolvedValueOnce(true);
    const email = await problemFrom(service.updateProfile(CALLER, { email: 'a@b.co', current_password: 'pw' }, undefined, ORIGIN));
    expect([email.getStatus(), email.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
    expect(users.transaction).not.toHaveBeenCalled();

    users.update.mockRejectedValueOnce(uniqueViolation('users_username_live_key'));
    const username = await problemFrom(service.update(5, { username: 'taken' }));
    expect([username.getStatus(), username.code]).toEqual([409, ErrorCode.USERNAME_TAKEN]);
  });

  it('answers a taken email with 409 inside the transaction of a sensitive change too', async () => {
    const { service, users, security } = setup();
    users.update.mockRejectedValueOnce(uniqueViolation('users_email_live_key'));

    const problem = await problemFrom(service.update(5, { email: 'a@b.co', password: 'a new passphrase' }));

    expect([problem.getStatus(), problem.code]).toEqual([409, ErrorCode.EMAIL_TAKEN]);
    expect(users.transaction).toHaveBeenCalledTimes(1);
    expect(security.endSessions).not.toHaveBeenCalled();
  });

  it('refuses to demote the last active admin with 409 LAST_ADMIN, inside a transaction', async () => {
    const { service, users, calls } = setup();
    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: true });
    users.activeAdminIds.mockResolvedValueOnce([5]);

    const problem = await problemFrom(service.update(5, { role: Role.USER }));

    expect([problem.getStatus(), problem.code]).toEqual([409, ErrorCode.LAST_ADMIN]);
    // Counted under the admin-changes lock; nothing written, no session ended.
    expect(calls()).toEqual(['transaction', 'tx.serializeAdminChanges', 'tx.lockForAdminChange', 'tx.activeAdminIds']);
  });

  it('refuses to deactivate the last active admin with 409 LAST_ADMIN', async () => {
    const { service, users, security } = setup();
    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: true });
    users.activeAdminIds.mockResolvedValueOnce([5]);

    expect((await problemFrom(service.update(5, { is_active: false }))).code).toBe(ErrorCode.LAST_ADMIN);
    expect(users.update).not.toHaveBeenCalled();
    expect(security.endSessions).not.toHaveBeenCalled();
  });

  it('lets an admin be deactivated while another active admin remains, ending their sessions', async () => {
    const { service, users, security, calls } = setup();
    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: true });
    users.activeAdminIds.mockResolvedValueOnce([5, 6]);

    await expect(service.update(5, { is_active: false })).resolves.toBe(STORED);

    expect(users.update).toHaveBeenCalledWith({ id: 5 }, { is_active: false }, undefined, undefined);
    expect(security.endSessions.mock.calls).toEqual([[TRANSACTION_MANAGER, 5]]);
    // Deactivating is no reason to lift a lockout.
    expect(calls()).toEqual([
      'transaction',
      'tx.serializeAdminChanges',
      'tx.lockForAdminChange',
      'tx.activeAdminIds',
      'tx.update',
      'endSessions',
    ]);
  });

  it('lets the only active admin demote another admin', async () => {
    const { service, users } = setup();
    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: false });
    users.activeAdminIds.mockResolvedValueOnce([1]);

    await expect(service.update(5, { role: Role.USER })).resolves.toBe(STORED);
    expect(users.update).toHaveBeenCalledWith({ id: 5 }, { role: Role.USER }, undefined, undefined);
  });
});

describe('UsersService.updateAsAdmin', () => {
  it("writes profile fields in one statement that checks the admin's role itself", async () => {
    const { service, users, calls } = setup();
    await service.updateAsAdmin(CALLER, 1, { name: 'Jane', phone_number: '+15550100' }, [3], ORIGIN);
    expect(calls()).toEqual(['update']);
    // The admin's event goes with that statement: by the admin, on the target, naming the fields.
    expect(users.update).toHaveBeenCalledWith({ id: 1, admin: CALLER }, { name: 'Jane', phone_number: '+15550100' }, [3], {
      action: AuditAction.ADMIN_USER_UPDATED,
      actorId: CALLER.id,
      userId: 1,
      origin: ORIGIN,
      details: { fields: ['name', 'phone_number'] },
    });
  });

  it.each([
    ['a USER', Role.USER, 403, ErrorCode.FORBIDDEN],
    ['a caller whose session or account is gone', undefined, 401, ErrorCode.UNAUTHORIZED],
  ])('answers %s that nothing was written with %i, before telling 404 or 412', async (_who, role, status, code) => {
    const { service, users, calls } = setup();
    users.update.mockResolvedValueOnce(null);
    users.roleOf.mockResolvedValueOnce(role);
    const refused = await problemFrom(service.updateAsAdmin(CALLER, 1, { name: 'X' }, [3], ORIGIN));
    expect([refused.getStatus(), refused.code]).toEqual([status, code]);
    expect(calls()).toEqual(['update', 'roleOf']);
  });

  it('answers an admin 404 for a missing user and 412 for a stale version, after the role', async () => {
    const { service, users, calls } = setup();
    users.update.mockResolvedValue(null);
    users.find.mockResolvedValueOnce(null);
    expect((await problemFrom(service.updateAsAdmin(CALLER, 1, { name: 'X' }, [3], ORIGIN))).code).toBe(
      ErrorCode.USER_NOT_FOUND,
    );
    expect(calls()).toEqual(['update', 'roleOf', 'find']);
    expect((await problemFrom(service.updateAsAdmin(CALLER, 1, { name: 'X' }, [3], ORIGIN))).code).toBe(
      ErrorCode.PRECONDITION_FAILED,
    );
    expect(users.find).toHaveBeenLastCalledWith({ id: 1, admin: CALLER });
  });

  it.each([
    ['a role', { role: Role.USER }],
    ['a deactivation', { is_active: false }],
    ['a re-activation', { is_active: true }],
    ['a password', { password: 'a fresh long passphrase' }],
    ['an email', { email: 'new@example.com' }],
  ])('checks the role first for %s, and a USER changes nothing', async (_what, changes) => {
    const { service, users, security, calls } = setup();
    users.roleOf.mockResolvedValueOnce(Role.USER);
    expect((await problemFrom(service.updateAsAdmin(CALLER, 1, changes, undefined, ORIGIN))).code).toBe(ErrorCode.FORBIDDEN);
    // Nothing recorded either: `record` would show here.
    expect(calls()).toEqual(['roleOf']);
    expect(security.liftLockout).not.toHaveBeenCalled();
  });

  it('goes on as update once the role is checked', async () => {
    const { service, users, calls } = setup();
    users.find.mockResolvedValueOnce({ ...STORED, role: Role.USER, is_active: false } as User);
    await service.updateAsAdmin(CALLER, 1, { is_active: true }, undefined, ORIGIN);
    expect(calls()).toEqual(['roleOf', 'find', 'liftLockout', 'update']);
    // A re-activation is one statement, its event with it; the old activity is the row read before.
    expect(users.update.mock.calls[0][3]).toEqual({
      action: AuditAction.ADMIN_USER_UPDATED,
      actorId: CALLER.id,
      userId: 1,
      origin: ORIGIN,
      details: { fields: ['is_active'], is_active: { old: false, new: true } },
    });
  });

  it("records a sensitive change on the transaction's manager, after the write, with the role before and after", async () => {
    const { service, users, audit, calls } = setup();
    users.update.mockResolvedValueOnce({ ...STORED, role: Role.DRIVER, is_active: true } as User);

    await service.updateAsAdmin(CALLER, 1, { role: Role.DRIVER }, undefined, ORIGIN);

    expect(calls()).toEqual([
      'roleOf',
      'transaction',
      'tx.serializeAdminChanges',
      'tx.lockForAdminChange',
      'tx.activeAdminIds',
      'tx.update',
      'endSessions',
      'record',
    ]);
    // The transaction's update carries no event: the event is recorded on its own, in the transaction.
    expect(users.update.mock.calls[0][3]).toBeUndefined();
    expect(audit.record.mock.calls).toEqual([
      [
        {
          action: AuditAction.ADMIN_USER_UPDATED,
          actorId: CALLER.id,
          userId: 1,
          origin: ORIGIN,
          details: { fields: ['role'], role: { old: Role.USER, new: Role.DRIVER } },
        },
        TRANSACTION_MANAGER,
      ],
    ]);
  });

  it("records an admin's new password by the field's name only", async () => {
    const { service, audit, calls } = setup();

    await service.updateAsAdmin(CALLER, 1, { password: 'a fresh long passphrase' }, undefined, ORIGIN);

    expect(calls().slice(-3)).toEqual(['endSessions', 'passwordChanged', 'record']);
    const [[event, manager]] = audit.record.mock.calls;
    expect(manager).toBe(TRANSACTION_MANAGER);
    expect(event).toMatchObject({ action: AuditAction.ADMIN_USER_UPDATED, actorId: CALLER.id, userId: 1 });
    expect(event.details.fields).toEqual(['password']);
    expect(JSON.stringify(event)).not.toContain('a fresh long passphrase');
  });
});

describe('UsersService.update with an audit context', () => {
  it('records a password reset under the action given, naming the field but not the password', async () => {
    const { service, audit, calls } = setup();
    const context = { actorId: STORED.id, origin: ORIGIN };

    await service.update(STORED.id, { password: 'a fresh long passphrase' }, undefined, context, AuditAction.PASSWORD_RESET);

    expect(calls().slice(-3)).toEqual(['endSessions', 'passwordChanged', 'record']);
    const [[event, manager]] = audit.record.mock.calls;
    expect(manager).toBe(TRANSACTION_MANAGER);
    expect(event).toMatchObject({ action: AuditAction.PASSWORD_RESET, actorId: STORED.id, userId: STORED.id, origin: ORIGIN });
    expect(event.details.fields).toEqual(['password']);
    expect(JSON.stringify(event)).not.toContain('a fresh long passphrase');
  });

  it("writes a harmless change's event with its one statement, and records nothing of a refused change", async () => {
    const { service, users, audit, calls } = setup();

    await service.update(5, { name: 'x' }, [4], ADMIN);
    expect(calls()).toEqual(['update']);
    expect(users.update.mock.calls).toEqual([
      [
        { id: 5 },
        { name: 'x' },
        [4],
        { action: AuditAction.ADMIN_USER_UPDATED, actorId: ADMIN.actorId, userId: 5, origin: ORIGIN, details: { fields: ['name'] } },
      ],
    ]);

    users.lockForAdminChange.mockResolvedValueOnce({ role: Role.ADMIN, is_active: true });
    users.activeAdminIds.mockResolvedValueOnce([5]);
    expect((await problemFrom(service.update(5, { role: Role.USER }, undefined, ADMIN))).code).toBe(ErrorCode.LAST_ADMIN);
    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('UsersService.markEmailVerified', () => {
  it('marks the address verified and records it in one transaction', async () => {
    const { service, users, audit, calls } = setup();
    const context = { actorId: STORED.id, origin: ORIGIN };

    await expect(service.markEmailVerified(STORED.id, STORED.email, context)).resolves.toBe(STORED);

    expect(users.markEmailVerified.mock.calls).toEqual([[STORED.id, STORED.email]]);
    expect(calls()).toEqual(['transaction', 'tx.markEmailVerified', 'record']);
    expect(audit.record.mock.calls).toEqual([
      [{ action: AuditAction.EMAIL_VERIFIED, actorId: STORED.id, userId: STORED.id, origin: ORIGIN, details: undefined }, TRANSACTION_MANAGER],
    ]);
  });

  it('records nothing when the address is no longer the account\'s', async () => {
    const { service, users, audit } = setup();
    users.markEmailVerified.mockResolvedValueOnce(undefined);

    await expect(service.markEmailVerified(STORED.id, 'old@example.com', { actorId: STORED.id, origin: ORIGIN })).resolves.toBeUndefined();

    expect(audit.record).not.toHaveBeenCalled();
  });
});

describe('UsersService.unlock', () => {
  it('lifts the login lockout of a live account, and answers 404 for a missing one', async () => {
    const { service, users, security, audit, calls } = setup();

    await service.unlock(7, ADMIN);
    expect(users.find).toHaveBeenCalledWith({ id: 7 });
    expect(security.liftLockout.mock.calls).toEqual([[STORED]]);
    // Recorded once the lockout is lifted, on its own: there is no transaction.
    expect(calls()).toEqual(['find', 'liftLockout', 'record']);
    expect(audit.record.mock.calls).toEqual([
      [{ action: AuditAction.ADMIN_USER_UNLOCKED, actorId: ADMIN.actorId, userId: 7, origin: ORIGIN, details: undefined }],
    ]);

    users.find.mockResolvedValueOnce(null);
    expect((await problemFrom(service.unlock(404, ADMIN))).code).toBe(ErrorCode.USER_NOT_FOUND);
    expect(security.liftLockout).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledTimes(1);
  });
});

describe('UsersService with If-Match versions', () => {
  it('writes only a row at one of the versions given', async () => {
    const { service, users } = setup();

    await expect(service.update(5, { name: 'x' }, [3, 4])).resolves.toBe(STORED);

    expect(users.update.mock.calls).toEqual([[{ id: 5 }, { name: 'x' }, [3, 4], undefined]]);
  });

  it('does not guard the write when no versions are given', async () => {
    const { service, users } = setup();

    await service.update(5, { name: 'x' });

    expect(users.update.mock.calls).toEqual([[{ id: 5 }, { name: 'x' }, undefined, undefined]]);
  });

  it('answers 412 PRECONDITION_FAILED when the row exists at another version', async () => {
    const { service, users, calls } = setup();
    users.update.mockResolvedValueOnce(null);

    const problem = await problemFrom(service.update(5, { name: 'x' }, [3]));

    expect([problem.getStatus(), problem.code]).toEqual([412, ErrorCode.PRECONDITION_FAILED]);
    // The second look, only after nothing was written, is at the row at any version.
    expect(calls()).toEqual(['update', 'find']);
    expect(users.find).toHaveBeenCalledWith({ id: 5 });
  });

  it('answers 404 when the row does not exist at any version', async () => {
    const { service, users } = setup();
    users.update.mockResolvedValueOnce(null);
    users.find.mockResolvedValueOnce(null);

    expect((await problemFrom(service.update(5, { name: 'x' }, [3]))).code).toBe(ErrorCode.USER_NOT_FOUND);
  });

  it("answers the caller 412 for a stale version and 401 when the caller's session is gone", async () => {
    const { service, users } = setup();
    // Each call: the guarded update writes nothing, then the second look finds the row, or not.
    users.update.mockResolvedValue(null);
    users.find.mockResolvedValueOnce(STORED).mockResolvedValueOnce(null);

    expect((await problemFrom(service.updateProfile(CALLER, { name: 'x' }, [3], ORIGIN))).getStatus()).toBe(412);
    expect((await problemFrom(service.updateProfile(CALLER, { name: 'x' }, [3], ORIGIN))).getStatus()).toBe(401);
    expect(users.find.mock.calls).toEqual([[{ caller: CALLER }], [{ caller: CALLER }]]);
  });
});

describe('UsersService.changePassword and removeSelf', () => {
  it('refuses a wrong current password with 401 INVALID_CREDENTIALS and writes nothing', async () => {
    const { service, users, security, calls } = setup();
    security.verifyPassword.mockRejectedValueOnce(problem(ErrorCode.INVALID_CREDENTIALS, 'The current password is wrong.'));

    const refusal = await problemFrom(service.changePassword(CALLER, 'wrong', 'a new passphrase', ORIGIN));

    expect([refusal.getStatus(), refusal.code]).toEqual([401, ErrorCode.INVALID_CREDENTIALS]);
    // Checked as a login checks it (counted toward the account's lockout): by AccountSecurity.
    expect(users.find).toHaveBeenCalledWith({ caller: CALLER });
    expect(security.verifyPassword).toHaveBeenCalledWith(STORED, 'wrong', ORIGIN.ip);
    expect(calls()).toEqual(['find', 'verifyPassword']);
  });

  it.each(['changePassword', 'removeSelf'] as const)(
    "%s: AccountSecurity's refusal (a locked account's 429 ACCOUNT_LOCKED) is the answer, and nothing is written",
    async (method) => {
      const { service, security, calls } = setup();
      const locked = problem(ErrorCode.ACCOUNT_LOCKED, 'Locked.', { headers: { 'Retry-After': '600' } });
      security.verifyPassword.mockRejectedValueOnce(locked);

      const answer =
        method === 'changePassword'
          ? service.changePassword(CALLER, 'old', 'a new passphrase', ORIGIN)
          : service.removeSelf(CALLER, 'old', ORIGIN);

      await expect(answer).rejects.toBe(locked);
      expect(security.verifyPassword).toHaveBeenCalledWith(STORED, 'old', ORIGIN.ip);
      expect(calls()).toEqual(['find', 'verifyPassword']);
    },
  );

  it('refuses a weak new password with 400 WEAK_PASSWORD naming new_password', async () => {
    const { service, calls } = setup();

    const problem = await problemFrom(service.changePassword(CALLER, 'old', 'Jane.Doe+news@example.com', ORIGIN));

    expect([problem.getStatus(), problem.code, problem.errors]).toEqual([
      400,
      ErrorCode.WEAK_PASSWORD,
      [{ field: 'new_password', message: expect.any(String) }],
    ]);
    expect(calls()).toEqual(['find', 'verifyPassword']);
  });

  it('answers 401 UNAUTHORIZED when the caller no longer holds an open session', async () => {
    const { service, users, calls } = setup();
    users.find.mockResolvedValueOnce(null);

    expect((await problemFrom(service.changePassword(CALLER, 'old', 'a new passphrase', ORIGIN))).code).toBe(
      ErrorCode.UNAUTHORIZED,
    );
    // No account to count a try against: the password is not checked.
    expect(calls()).toEqual(['find']);
  });

  it("writes the new hash, then ends every session but the caller's", async () => {
    const { service, users, security, passwords, audit, calls } = setup();

    await expect(service.changePassword(CALLER, 'old', 'a new passphrase', ORIGIN)).resolves.toBeUndefined();

    expect(security.verifyPassword).toHaveBeenCalledWith(STORED, 'old', ORIGIN.ip);
    expect(passwords.hash).toHaveBeenCalledWith('a new passphrase');
    expect(users.update.mock.calls).toEqual([[{ caller: CALLER }, { password_hash: 'hashed' }, undefined, undefined]]);
    expect(security.endSessions.mock.calls).toEqual([[TRANSACTION_MANAGER, CALLER.id, CALLER.sessionId]]);
    expect(calls()).toEqual([
      'find',
      'verifyPassword',
      'hash',
      'transaction',
      'tx.update',
      'endSessions',
      'passwordChanged',
      'record',
    ]);
    expect(security.passwordChanged.mock.calls).toEqual([[TRANSACTION_MANAGER, CALLER.id]]);
    // password.changed, on the transaction's manager: it commits with the new hash, or not at all.
    expect(audit.record.mock.calls).toEqual([
      [
        { action: AuditAction.PASSWORD_CHANGED, actorId: CALLER.id, userId: CALLER.id, origin: ORIGIN, details: undefined },
        TRANSACTION_MANAGER,
      ],
    ]);
    expect(JSON.stringify(audit.record.mock.calls)).not.toMatch(/new password|old|hashed/);
  });

  it('deletes the account softly after its password, ending all its sessions', async () => {
    const { service, users, security, audit, calls } = setup();

    await expect(service.removeSelf(CALLER, 'old', ORIGIN)).resolves.toBeUndefined();

    expect(security.verifyPassword).toHaveBeenCalledWith(STORED, 'old', ORIGIN.ip);
    expect(users.softDelete.mock.calls).toEqual([[{ caller: CALLER }]]);
    expect(security.endSessions.mock.calls).toEqual([[TRANSACTION_MANAGER, CALLER.id]]);
    expect(calls()).toEqual([
      'find',
      'verifyPassword',
      'transaction',
      'tx.serializeAdminChanges',
      'tx.activeAdminIds',
      'tx.softDelete',
      'endSessions',
      'record',
    ]);
    expect(audit.record.mock.calls).toEqual([
      [
        { action: AuditAction.ACCOUNT_DELETED, actorId: CALLER.id, userId: CALLER.id, origin: ORIGIN, details: undefined },
        TRANSACTION_MANAGER,
      ],
    ]);
  });

  it("records an administrator's delete as admin.user_deleted, in its transaction", async () => {
    const { service, audit, calls } = setup();

    await service.remove({ id: 5 }, ADMIN);

    expect(calls().slice(-2)).toEqual(['endSessions', 'record']);
    expect(audit.record.mock.calls).toEqual([
      [
        { action: AuditAction.ADMIN_USER_DELETED, actorId: ADMIN.actorId, userId: 5, origin: ORIGIN, details: undefined },
        TRANSACTION_MANAGER,
      ],
    ]);
  });

  it('refuses to delete the last active admin with 409 LAST_ADMIN', async () => {
    const { service, users, security, audit } = setup();
    users.activeAdminIds.mockResolvedValueOnce([5]);

    const problem = await problemFrom(service.remove({ id: 5 }, ADMIN));

    expect([problem.getStatus(), problem.code]).toEqual([409, ErrorCode.LAST_ADMIN]);
    expect(users.softDelete).not.toHaveBeenCalled();
    expect(security.endSessions).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('answers an admin 404 and a caller 401 when nothing was deleted', async () => {
    const { service, users, security } = setup();
    users.softDelete.mockResolvedValue(false);

    expect((await problemFrom(service.remove({ id: 9 }, ADMIN))).code).toBe(ErrorCode.USER_NOT_FOUND);
    expect((await problemFrom(service.remove({ caller: CALLER }, { actorId: CALLER.id, origin: ORIGIN }))).code).toBe(
      ErrorCode.UNAUTHORIZED,
    );
    expect(users.softDelete.mock.calls).toEqual([[{ id: 9 }], [{ caller: CALLER }]]);
    expect(security.endSessions).not.toHaveBeenCalled();
  });
});

describe('UsersService.upgradeHash', () => {
  const USER = { ...STORED, password_hash: 'old-hash' } as User;

  it('rehashes a hash made at a lower cost, only if it is still the stored one', async () => {
    const { service, users, passwords } = setup();
    passwords.needsRehash.mockReturnValueOnce(true);

    await service.upgradeHash(USER, 'the password');

    expect(passwords.needsRehash).toHaveBeenCalledWith('old-hash');
    expect(passwords.hash).toHaveBeenCalledWith('the password');
    // The hash read is passed on: the repository replaces only that one.
    expect(users.replaceHash.mock.calls).toEqual([[USER.id, 'hashed', 'old-hash']]);
  });

  it('leaves a hash at the current cost alone', async () => {
    const { service, passwords, calls } = setup();

    await service.upgradeHash(USER, 'the password');

    expect(passwords.needsRehash).toHaveBeenCalledWith('old-hash');
    expect(calls()).toEqual(['needsRehash']);
  });
});
