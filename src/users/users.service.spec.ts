import type { DataSource } from 'typeorm';
import { ErrorCode } from '../common/error-code.enum';
import { AuthAccountSecurity } from '../auth/account-security.service';
import type { LoginAttempts } from '../auth/login-attempts';
import { SessionsRepository } from '../auth/sessions.repository';
import type { PasswordService } from './password.service';
import { Role } from './role.enum';
import { User } from './user.entity';
import { deleteUser, selectUser, Statement, updateUser, UsersRepository } from './users.repository';
import { usernameFromEmail, UsersService } from './users.service';
import { problemFrom } from '../../test/support/problem-from';

/** A TypeORM-style unique violation on `constraint`, as PGlite and pg report it. */
const uniqueViolation = (constraint: string) =>
  Object.assign(new Error('duplicate key value violates unique constraint'), {
    driverError: { code: '23505', constraint },
  });

/** A chainable query builder whose `execute` answers what each test tells it to. */
function fakeQueryBuilder() {
  const qb = {
    insert: jest.fn(),
    into: jest.fn(),
    values: jest.fn(),
    update: jest.fn(),
    set: jest.fn(),
    where: jest.fn(),
    andWhere: jest.fn(),
    returning: jest.fn(),
    execute: jest.fn(),
    getOne: jest.fn(),
  };
  for (const method of ['insert', 'into', 'values', 'update', 'set', 'where', 'andWhere', 'returning'] as const) {
    qb[method].mockReturnValue(qb);
  }
  return qb;
}

function setup() {
  const qb = fakeQueryBuilder();
  // `rows` sees the statements of users.repository.ts, `locks` the advisory lock, and
  // `manager.query` every other statement.
  const manager = { createQueryBuilder: jest.fn(() => qb), query: jest.fn().mockResolvedValue([]) };
  const rows = jest.fn().mockResolvedValue([]);
  const locks = jest.fn();
  const routed = {
    createQueryBuilder: manager.createQueryBuilder,
    query: (sql: string, parameters?: unknown[]) => {
      if (/^(SELECT \* FROM|UPDATE) users /.test(sql)) return rows(sql, parameters);
      if (sql.includes('pg_advisory_xact_lock')) return Promise.resolve(locks(sql, parameters) ?? []);
      return manager.query(sql, parameters);
    },
  };
  const dataSource = {
    manager: routed,
    transaction: jest.fn((work: (m: typeof routed) => Promise<unknown>) => work(routed)),
  };
  const passwords = {
    hash: jest.fn().mockResolvedValue('hashed'),
    verify: jest.fn().mockResolvedValue(true),
    needsRehash: jest.fn().mockReturnValue(false),
  };
  const attempts = { attemptAll: jest.fn().mockResolvedValue(0), clearAll: jest.fn().mockResolvedValue(undefined) };
  const service = new UsersService(
    new UsersRepository(dataSource as unknown as DataSource),
    passwords as unknown as PasswordService,
    // Authentication's real side of the seam, over the same fakes: its SQL goes to manager.query.
    new AuthAccountSecurity(
      passwords as unknown as PasswordService,
      attempts as unknown as LoginAttempts,
      new SessionsRepository(dataSource as unknown as DataSource),
    ),
  );
  return { service, qb, rows, manager, locks, dataSource, passwords, attempts };
}

const CALLER = { id: 5, sessionId: '00000000-0000-4000-8000-000000000000' };
const NEW_USER = { email: 'jane.doe+news@example.com', name: 'Jane Doe', password: 'correct horse' };
const STORED = { id: 1, email: NEW_USER.email, username: 'jane.doe_news' } as User;

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

describe('UsersService.create', () => {
  it('inserts the hashed password, never the plain one, with a username made from the email', async () => {
    const { service, qb, passwords } = setup();
    qb.execute.mockResolvedValueOnce({ raw: [STORED] });

    await expect(service.create(NEW_USER)).resolves.toBe(STORED);

    expect(passwords.hash).toHaveBeenCalledWith('correct horse');
    expect(qb.into).toHaveBeenCalledWith(User);
    expect(qb.values).toHaveBeenCalledWith({
      email: NEW_USER.email,
      name: 'Jane Doe',
      username: 'jane.doe_news',
      password_hash: 'hashed',
    });
  });

  it('retries a taken generated username with a "_NNNNNN" suffix', async () => {
    const { service, qb } = setup();
    qb.execute
      .mockRejectedValueOnce(uniqueViolation('users_username_live_key'))
      .mockResolvedValueOnce({ raw: [STORED] });

    await expect(service.create(NEW_USER)).resolves.toBe(STORED);

    expect(qb.execute).toHaveBeenCalledTimes(2);
    expect(qb.values.mock.calls[0][0].username).toBe('jane.doe_news');
    expect(qb.values.mock.calls[1][0].username).toMatch(/^jane\.doe_news_[1-9]\d{5}$/);
  });

  it('gives up with 409 USERNAME_TAKEN after a bounded number of generated usernames', async () => {
    const { service, qb } = setup();
    qb.execute.mockRejectedValue(uniqueViolation('users_username_live_key'));

    const problem = await problemFrom(service.create(NEW_USER));

    expect(problem.code).toBe(ErrorCode.USERNAME_TAKEN);
    expect(qb.execute.mock.calls.length).toBeGreaterThan(1);
    expect(qb.execute.mock.calls.length).toBeLessThanOrEqual(10);
  });

  it('answers a taken username that the caller chose with 409 USERNAME_TAKEN, without retrying', async () => {
    const { service, qb } = setup();
    qb.execute.mockRejectedValueOnce(uniqueViolation('users_username_live_key'));

    const problem = await problemFrom(service.create({ ...NEW_USER, username: 'janedoe' }));

    expect(problem.getStatus()).toBe(409);
    expect(problem.code).toBe(ErrorCode.USERNAME_TAKEN);
    expect(qb.execute).toHaveBeenCalledTimes(1);
    expect(qb.values.mock.calls[0][0].username).toBe('janedoe');
  });

  it('answers a taken email with 409 EMAIL_TAKEN, without retrying', async () => {
    const { service, qb } = setup();
    qb.execute.mockRejectedValueOnce(uniqueViolation('users_email_live_key'));

    const problem = await problemFrom(service.create(NEW_USER));

    expect(problem.getStatus()).toBe(409);
    expect(problem.code).toBe(ErrorCode.EMAIL_TAKEN);
    expect(qb.execute).toHaveBeenCalledTimes(1);
  });

  it('rethrows any other error as it is', async () => {
    const { service, qb } = setup();
    const failure = new Error('connection terminated');
    qb.execute.mockRejectedValueOnce(failure);
    await expect(service.create(NEW_USER)).rejects.toBe(failure);

    const otherIndex = uniqueViolation('sessions_pkey');
    qb.execute.mockRejectedValueOnce(otherIndex);
    await expect(service.create(NEW_USER)).rejects.toBe(otherIndex);
  });
});

/** A statement of users.repository.ts as the service hands it to `manager.query`. */
const statement = ({ sql, params }: Statement) => [sql, params];
/** The UPDATEs of the users table that the service ran. */
const updates = (rows: jest.Mock) => rows.mock.calls.filter(([sql]) => String(sql).startsWith('UPDATE'));

/** The SQL of every manager.query call, in order. */
const queries = (manager: { query: jest.Mock }) => manager.query.mock.calls.map(([sql]) => String(sql));

const LOCK_TARGET = /SELECT role, is_active FROM users WHERE id = \$1 .*FOR UPDATE/s;
/** The lockout keys of STORED's email and username. */
const STORED_KEYS = ['login:jane.doe+news@example.com', 'login:jane.doe_news'];
const LOCK_ADMINS = /SELECT id FROM users WHERE role = 'ADMIN' AND is_active AND deleted_at IS NULL/;
const REVOKE = /UPDATE sessions SET revoked_at/;

describe('UsersService.update and updateProfile', () => {
  it('sets only the columns given, hashing password into password_hash', async () => {
    const { service, rows, manager, passwords } = setup();
    manager.query.mockResolvedValueOnce([{ role: Role.USER, is_active: true }]);
    // The account whose lockout is lifted, then the written row.
    rows.mockResolvedValueOnce([STORED]).mockResolvedValueOnce([STORED]);

    await expect(
      service.update(5, { name: 'New Name', firstname: undefined, lastname: null, password: 'new password' }),
    ).resolves.toBe(STORED);

    expect(passwords.hash).toHaveBeenCalledWith('new password');
    expect(updates(rows)).toEqual([
      statement(updateUser({ id: 5 }, { name: 'New Name', lastname: null, password_hash: 'hashed' })),
    ]);
    expect(JSON.stringify(rows.mock.calls)).not.toContain('new password');
  });

  it('does not hash anything when no password is given', async () => {
    const { service, rows, passwords } = setup();
    rows.mockResolvedValueOnce([STORED]);

    await service.update(5, { email: 'new@example.com' });

    expect(passwords.hash).not.toHaveBeenCalled();
    expect(updates(rows)).toEqual([statement(updateUser({ id: 5 }, { email: 'new@example.com' }))]);
  });

  it('writes a harmless change in one statement: no transaction, no lock, no session ended', async () => {
    const { service, rows, manager, dataSource, attempts } = setup();
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.update(5, { name: 'x', role: undefined })).resolves.toBe(STORED);

    expect(dataSource.transaction).not.toHaveBeenCalled();
    expect(manager.query).not.toHaveBeenCalled();
    expect(attempts.clearAll).not.toHaveBeenCalled();
  });

  it('answers 404 USER_NOT_FOUND when update finds no live row', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([]);

    const problem = await problemFrom(service.update(404, { name: 'x' }));

    expect(problem.getStatus()).toBe(404);
    expect(problem.code).toBe(ErrorCode.USER_NOT_FOUND);
  });

  it('answers 404 for a sensitive change when the locked row is missing, without writing', async () => {
    const { service, rows, manager } = setup();
    manager.query.mockResolvedValueOnce([]);

    const problem = await problemFrom(service.update(404, { role: Role.DRIVER }));

    expect(problem.getStatus()).toBe(404);
    expect(problem.code).toBe(ErrorCode.USER_NOT_FOUND);
    expect(queries(manager)).toHaveLength(1);
    expect(manager.query.mock.calls[0][1]).toEqual([404]);
    expect(updates(rows)).toHaveLength(0);
  });

  it('answers 404 for a new password of a missing user before any lockout or write', async () => {
    const { service, rows, attempts, dataSource } = setup();

    expect((await problemFrom(service.update(404, { password: 'new password' }))).code).toBe(ErrorCode.USER_NOT_FOUND);
    expect(rows.mock.calls).toEqual([statement(selectUser({ id: 404 }))]);
    expect(attempts.clearAll).not.toHaveBeenCalled();
    expect(dataSource.transaction).not.toHaveBeenCalled();
  });

  it('refuses a common password or one equal to the email or username with 400 WEAK_PASSWORD, changing nothing', async () => {
    for (const password of ['password1', 'JANE.DOE_NEWS', 'new@example.com']) {
      const { service, rows, attempts, dataSource } = setup();
      rows.mockResolvedValueOnce([STORED]);

      const problem = await problemFrom(service.update(5, { email: 'new@example.com', password }));

      expect([password, problem.getStatus(), problem.code]).toEqual([password, 400, ErrorCode.WEAK_PASSWORD]);
      expect(updates(rows)).toHaveLength(0);
      expect(attempts.clearAll).not.toHaveBeenCalled();
      expect(dataSource.transaction).not.toHaveBeenCalled();
    }
  });

  it('sets a new password in a transaction: lock the row, write, end the sessions, lift the lockout', async () => {
    const { service, rows, manager, dataSource, attempts } = setup();
    manager.query.mockResolvedValueOnce([{ role: Role.ADMIN, is_active: true }]);
    rows.mockResolvedValueOnce([STORED]).mockResolvedValueOnce([STORED]);

    await expect(service.update(5, { password: 'new password' })).resolves.toBe(STORED);

    expect(dataSource.transaction).toHaveBeenCalledTimes(1);
    const sql = queries(manager);
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(LOCK_TARGET);
    expect(manager.query.mock.calls[0][1]).toEqual([5]);
    // Not a demotion: the admins are not locked.
    expect(sql.some((text) => LOCK_ADMINS.test(text))).toBe(false);
    expect(sql[1]).toMatch(REVOKE);
    expect(manager.query.mock.calls[1][1]).toEqual([5, null]);
    expect(rows.mock.invocationCallOrder[1]).toBeLessThan(manager.query.mock.invocationCallOrder[1]);
    // Lifted before the transaction: were the lockout store away, nothing would be written.
    expect(attempts.clearAll).toHaveBeenCalledWith(STORED_KEYS);
    expect(attempts.clearAll.mock.invocationCallOrder[0]).toBeLessThan(dataSource.transaction.mock.invocationCallOrder[0]);
  });

  it('takes the admin-changes lock first in a sensitive change and in a delete, and nowhere else', async () => {
    const { service, rows, manager, locks } = setup();
    manager.query.mockResolvedValueOnce([{ role: Role.USER, is_active: true }]);
    rows.mockResolvedValue([STORED]);
    await service.update(5, { role: Role.DRIVER });
    expect(locks).toHaveBeenCalledTimes(1);
    expect(locks.mock.invocationCallOrder[0]).toBeLessThan(manager.query.mock.invocationCallOrder[0]);
    await service.remove({ id: 5 });
    expect(locks).toHaveBeenCalledTimes(2);
    await service.update(5, { name: 'Plain' });
    await service.updateProfile(CALLER, { name: 'Plain' });
    expect(locks).toHaveBeenCalledTimes(2);
  });

  it('ends the sessions of a user whose role changes, locking the admins first when demoting', async () => {
    const { service, rows, manager } = setup();
    manager.query
      .mockResolvedValueOnce([{ role: Role.USER, is_active: true }])
      .mockResolvedValueOnce([{ id: 1 }, { id: 2 }]);
    rows.mockResolvedValueOnce([STORED]);

    await service.update(5, { role: Role.DRIVER });

    const sql = queries(manager);
    expect(sql).toHaveLength(3);
    expect(sql[0]).toMatch(LOCK_TARGET);
    expect(sql[1]).toMatch(LOCK_ADMINS);
    expect(sql[2]).toMatch(REVOKE);
    expect(updates(rows)).toEqual([statement(updateUser({ id: 5 }, { role: Role.DRIVER }))]);
  });

  it('ends the sessions of a user made ADMIN, without locking the admins', async () => {
    const { service, rows, manager } = setup();
    manager.query.mockResolvedValueOnce([{ role: Role.USER, is_active: true }]);
    rows.mockResolvedValueOnce([STORED]);

    await service.update(5, { role: Role.ADMIN });

    const sql = queries(manager);
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(LOCK_TARGET);
    expect(sql[1]).toMatch(REVOKE);
  });

  it('keeps the sessions when the role given is the one the user has', async () => {
    const { service, rows, manager } = setup();
    manager.query.mockResolvedValueOnce([{ role: Role.ADMIN, is_active: true }]);
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.update(5, { role: Role.ADMIN })).resolves.toBe(STORED);

    const sql = queries(manager);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(LOCK_TARGET);
    expect(updates(rows)).toHaveLength(1);
  });

  it('re-enables an account without a transaction and lifts its login lockout', async () => {
    const { service, rows, manager, dataSource, attempts } = setup();
    rows.mockResolvedValueOnce([STORED]).mockResolvedValueOnce([STORED]);

    await service.update(7, { is_active: true });

    expect(dataSource.transaction).not.toHaveBeenCalled();
    expect(manager.query).not.toHaveBeenCalled();
    expect(attempts.clearAll).toHaveBeenCalledWith(STORED_KEYS);
  });

  it('writes only once the login lockout is lifted, and nothing when it cannot be', async () => {
    const { service, rows, attempts } = setup();
    rows.mockResolvedValue([STORED]);
    let lift!: () => void;
    attempts.clearAll.mockReturnValueOnce(new Promise<void>((done) => (lift = done)));

    const update = service.update(7, { is_active: true });
    await new Promise((done) => setImmediate(done));
    expect(attempts.clearAll).toHaveBeenCalledWith(STORED_KEYS);
    expect(updates(rows)).toHaveLength(0);

    lift();
    await expect(update).resolves.toBe(STORED);
    expect(updates(rows)).toHaveLength(1);

    const away = new Error('store away');
    attempts.clearAll.mockRejectedValueOnce(away);
    await expect(service.update(7, { is_active: true })).rejects.toBe(away);
    expect(updates(rows)).toHaveLength(1);
  });

  it('answers 401 when updateProfile finds no live, active row', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([]);

    const problem = await problemFrom(service.updateProfile(CALLER, { name: 'x' }));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(rows.mock.calls).toEqual([statement(updateUser({ caller: CALLER }, { name: 'x' }))]);
  });

  it("checks the caller's open session in the statement that writes the profile", async () => {
    const { service, rows, manager } = setup();
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.updateProfile(CALLER, { name: 'x' })).resolves.toBe(STORED);

    // The statement's condition checks the session (users.repository.spec.ts); nothing else runs.
    expect(rows.mock.calls).toEqual([statement(updateUser({ caller: CALLER }, { name: 'x' }))]);
    expect(manager.query).not.toHaveBeenCalled();
  });

  it('answers a taken email or username with 409', async () => {
    const { service, rows } = setup();
    rows.mockRejectedValueOnce(uniqueViolation('users_email_live_key'));
    expect((await problemFrom(service.updateProfile(CALLER, { email: 'a@b.co' }))).code).toBe(ErrorCode.EMAIL_TAKEN);

    rows.mockRejectedValueOnce(uniqueViolation('users_username_live_key'));
    expect((await problemFrom(service.update(5, { username: 'taken' }))).code).toBe(ErrorCode.USERNAME_TAKEN);
  });

  it('answers a taken email with 409 inside the transaction of a sensitive change too', async () => {
    const { service, rows, manager } = setup();
    manager.query.mockResolvedValueOnce([{ role: Role.USER, is_active: true }]);
    rows.mockResolvedValueOnce([STORED]).mockRejectedValueOnce(uniqueViolation('users_email_live_key'));

    const problem = await problemFrom(service.update(5, { email: 'a@b.co', password: 'new password' }));

    expect(problem.code).toBe(ErrorCode.EMAIL_TAKEN);
    expect(queries(manager).some((sql) => REVOKE.test(sql))).toBe(false);
  });

  it('refuses to demote the last active admin with 409 LAST_ADMIN, inside a transaction', async () => {
    const { service, rows, manager, dataSource } = setup();
    manager.query
      .mockResolvedValueOnce([{ role: Role.ADMIN, is_active: true }])
      .mockResolvedValueOnce([{ id: 5 }]);

    const problem = await problemFrom(service.update(5, { role: Role.USER }));

    expect(problem.getStatus()).toBe(409);
    expect(problem.code).toBe(ErrorCode.LAST_ADMIN);
    expect(dataSource.transaction).toHaveBeenCalledTimes(1);
    expect(queries(manager)[1]).toMatch(LOCK_ADMINS);
    expect(updates(rows)).toHaveLength(0);
    expect(queries(manager).some((sql) => REVOKE.test(sql))).toBe(false);
  });

  it('refuses to deactivate the last active admin with 409 LAST_ADMIN', async () => {
    const { service, rows, manager } = setup();
    manager.query
      .mockResolvedValueOnce([{ role: Role.ADMIN, is_active: true }])
      .mockResolvedValueOnce([{ id: 5 }]);

    expect((await problemFrom(service.update(5, { is_active: false }))).code).toBe(ErrorCode.LAST_ADMIN);
    expect(updates(rows)).toHaveLength(0);
  });

  it('lets an admin be deactivated while another active admin remains, ending their sessions', async () => {
    const { service, rows, manager, attempts } = setup();
    manager.query
      .mockResolvedValueOnce([{ role: Role.ADMIN, is_active: true }])
      .mockResolvedValueOnce([{ id: 5 }, { id: 6 }]);
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.update(5, { is_active: false })).resolves.toBe(STORED);
    expect(updates(rows)).toEqual([statement(updateUser({ id: 5 }, { is_active: false }))]);
    const sql = queries(manager);
    expect(sql).toHaveLength(3);
    expect(sql[1]).toMatch(LOCK_ADMINS);
    expect(sql[2]).toMatch(REVOKE);
    expect(attempts.clearAll).not.toHaveBeenCalled();
  });

  it('lets the only active admin demote another admin', async () => {
    const { service, rows, manager } = setup();
    manager.query
      .mockResolvedValueOnce([{ role: Role.ADMIN, is_active: false }])
      .mockResolvedValueOnce([{ id: 1 }]);
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.update(5, { role: Role.USER })).resolves.toBe(STORED);
  });
});

describe('UsersService with If-Match versions', () => {
  it('writes only a row at one of the versions given', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.update(5, { name: 'x' }, [3, 4])).resolves.toBe(STORED);

    expect(rows.mock.calls).toEqual([statement(updateUser({ id: 5 }, { name: 'x' }, [3, 4]))]);
  });

  it('does not guard the write when no versions are given', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([STORED]);

    await service.update(5, { name: 'x' });

    expect(rows.mock.calls).toEqual([statement(updateUser({ id: 5 }, { name: 'x' }))]);
  });

  it('answers 412 PRECONDITION_FAILED when the row exists at another version', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([]);
    rows.mockResolvedValueOnce([STORED]);

    const problem = await problemFrom(service.update(5, { name: 'x' }, [3]));

    expect(problem.getStatus()).toBe(412);
    expect(problem.code).toBe(ErrorCode.PRECONDITION_FAILED);
    // The second look is at the row at any version.
    expect(rows.mock.calls[1]).toEqual(statement(selectUser({ id: 5 })));
  });

  it('answers 404 when the row does not exist at any version', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([]);
    rows.mockResolvedValueOnce([]);

    expect((await problemFrom(service.update(5, { name: 'x' }, [3]))).code).toBe(ErrorCode.USER_NOT_FOUND);
  });

  it("answers the caller 412 for a stale version and 401 when the caller's session is gone", async () => {
    const { service, rows } = setup();
    // Each call: the guarded UPDATE finds nothing, then the second look finds the row, or not.
    rows.mockResolvedValueOnce([]).mockResolvedValueOnce([STORED]);

    expect((await problemFrom(service.updateProfile(CALLER, { name: 'x' }, [3]))).getStatus()).toBe(412);
    expect((await problemFrom(service.updateProfile(CALLER, { name: 'x' }, [3]))).getStatus()).toBe(401);
  });
});

describe('UsersService.changePassword and removeSelf', () => {
  it('refuses a wrong current password with 401 INVALID_CREDENTIALS and writes nothing', async () => {
    const { service, rows, passwords, dataSource, attempts } = setup();
    rows.mockResolvedValueOnce([{ ...STORED, password_hash: 'stored-hash' }]);
    passwords.verify.mockResolvedValueOnce(false);

    const problem = await problemFrom(service.changePassword(CALLER, 'wrong', 'new password'));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(passwords.verify).toHaveBeenCalledWith('wrong', 'stored-hash');
    expect(dataSource.transaction).not.toHaveBeenCalled();
    expect(updates(rows)).toHaveLength(0);
    // The try counted toward the lockout of both of the account's names, and was not cleared.
    expect(attempts.attemptAll).toHaveBeenCalledWith(STORED_KEYS);
    expect(attempts.attemptAll.mock.invocationCallOrder[0]).toBeLessThan(passwords.verify.mock.invocationCallOrder[0]);
    expect(attempts.clearAll).not.toHaveBeenCalled();
  });

  it.each(['changePassword', 'removeSelf'] as const)(
    '%s: a locked account answers 429 ACCOUNT_LOCKED without checking the password',
    async (method) => {
      const { service, rows, passwords, attempts } = setup();
      rows.mockResolvedValueOnce([STORED]);
      attempts.attemptAll.mockResolvedValueOnce(600);

      const problem = await problemFrom(
        method === 'changePassword' ? service.changePassword(CALLER, 'old', 'new password') : service.removeSelf(CALLER, 'old'),
      );

      expect([problem.getStatus(), problem.code, problem.headers]).toEqual([429, ErrorCode.ACCOUNT_LOCKED, { 'Retry-After': '600' }]);
      expect(passwords.verify).not.toHaveBeenCalled();
      expect(updates(rows)).toHaveLength(0);
    },
  );

  it('refuses a weak new password with 400 WEAK_PASSWORD naming new_password', async () => {
    const { service, rows } = setup();
    rows.mockResolvedValueOnce([STORED]);

    const problem = await problemFrom(service.changePassword(CALLER, 'old', 'Jane.Doe+news@example.com'));

    expect([problem.code, problem.errors]).toEqual([ErrorCode.WEAK_PASSWORD, [{ field: 'new_password', message: expect.any(String) }]]);
    expect(updates(rows)).toHaveLength(0);
  });

  it('answers 401 UNAUTHORIZED when the caller no longer holds an open session', async () => {
    const { service, rows, passwords } = setup();
    rows.mockResolvedValueOnce([]);

    expect((await problemFrom(service.changePassword(CALLER, 'old', 'new password'))).code).toBe(
      ErrorCode.UNAUTHORIZED,
    );
    expect(passwords.verify).not.toHaveBeenCalled();
  });

  it("writes the new hash, then ends every session but the caller's", async () => {
    const { service, rows, manager, passwords, attempts } = setup();
    rows.mockResolvedValueOnce([STORED]);
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.changePassword(CALLER, 'old', 'new password')).resolves.toBeUndefined();

    expect(passwords.hash).toHaveBeenCalledWith('new password');
    expect(updates(rows)).toEqual([statement(updateUser({ caller: CALLER }, { password_hash: 'hashed' }))]);
    const sql = queries(manager);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(REVOKE);
    expect(manager.query.mock.calls[0][1]).toEqual([CALLER.id, CALLER.sessionId]);
    expect(attempts.clearAll).toHaveBeenCalledWith(STORED_KEYS);
  });

  it('deletes the account softly after its password, ending all its sessions', async () => {
    const { service, rows, manager } = setup();
    rows.mockResolvedValueOnce([STORED]);
    rows.mockResolvedValueOnce([STORED]);

    await expect(service.removeSelf(CALLER, 'old')).resolves.toBeUndefined();

    expect(updates(rows)).toEqual([statement(deleteUser({ caller: CALLER }))]);
    const sql = queries(manager);
    expect(sql[0]).toMatch(LOCK_ADMINS);
    expect(sql.at(-1)).toMatch(REVOKE);
    expect(manager.query.mock.calls.at(-1)![1]).toEqual([5, null]);
  });

  it('refuses to delete the last active admin with 409 LAST_ADMIN', async () => {
    const { service, rows, manager } = setup();
    manager.query.mockResolvedValueOnce([{ id: 5 }]);

    expect((await problemFrom(service.remove({ id: 5 }))).code).toBe(ErrorCode.LAST_ADMIN);
    expect(updates(rows)).toHaveLength(0);
  });

  it('answers an admin 404 and a caller 401 when nothing was deleted', async () => {
    const { service, rows, manager } = setup();
    rows.mockResolvedValue([]);

    expect((await problemFrom(service.remove({ id: 9 }))).code).toBe(ErrorCode.USER_NOT_FOUND);
    expect((await problemFrom(service.remove({ caller: CALLER }))).code).toBe(ErrorCode.UNAUTHORIZED);
    expect(queries(manager).some((sql) => REVOKE.test(sql))).toBe(false);
  });
});

describe('UsersService.upgradeHash', () => {
  const USER = { ...STORED, password_hash: 'old-hash' } as User;

  it('rehashes a hash made at a lower cost, only if it is still the stored one', async () => {
    const { service, dataSource, passwords } = setup();
    const query = jest.fn().mockResolvedValue([]);
    Object.assign(dataSource, { query });
    passwords.needsRehash.mockReturnValueOnce(true);

    await service.upgradeHash(USER, 'the password');

    expect(passwords.hash).toHaveBeenCalledWith('the password');
    expect(query).toHaveBeenCalledWith(expect.stringContaining('AND password_hash = $3'), [
      'hashed',
      USER.id,
      'old-hash',
    ]);
  });

  it('leaves a hash at the current cost alone', async () => {
    const { service, dataSource, passwords } = setup();
    const query = jest.fn();
    Object.assign(dataSource, { query });

    await service.upgradeHash(USER, 'the password');

    expect(passwords.needsRehash).toHaveBeenCalledWith('old-hash');
    expect(passwords.hash).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });
});
