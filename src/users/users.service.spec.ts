import type { DataSource } from 'typeorm';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';
import type { PasswordService } from './password.service';
import { Role } from './role.enum';
import { User } from './user.entity';
import { usernameFromEmail, UsersService } from './users.service';

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
    returning: jest.fn(),
    execute: jest.fn(),
  };
  for (const method of ['insert', 'into', 'values', 'update', 'set', 'where', 'returning'] as const) {
    qb[method].mockReturnValue(qb);
  }
  return qb;
}

function setup() {
  const qb = fakeQueryBuilder();
  const manager = { createQueryBuilder: jest.fn(() => qb), query: jest.fn().mockResolvedValue([]) };
  const dataSource = {
    manager,
    transaction: jest.fn((work: (m: typeof manager) => Promise<unknown>) => work(manager)),
  };
  const passwords = { hash: jest.fn().mockResolvedValue('hashed') };
  const service = new UsersService(
    dataSource as unknown as DataSource,
    passwords as unknown as PasswordService,
  );
  return { service, qb, manager, dataSource, passwords };
}

async function problemFrom(promise: Promise<unknown>): Promise<ProblemException> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return error as ProblemException;
}

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

describe('UsersService.update and updateProfile', () => {
  it('sets only the columns given, hashing password into password_hash', async () => {
    const { service, qb, passwords } = setup();
    qb.execute.mockResolvedValueOnce({ raw: [STORED] });

    await expect(
      service.update(5, { name: 'New Name', firstname: undefined, lastname: null, password: 'new password' }),
    ).resolves.toBe(STORED);

    expect(passwords.hash).toHaveBeenCalledWith('new password');
    expect(qb.set).toHaveBeenCalledTimes(1);
    expect(qb.set.mock.calls[0][0]).toStrictEqual({
      name: 'New Name',
      lastname: null,
      password_hash: 'hashed',
    });
    expect(qb.where).toHaveBeenCalledWith(expect.stringContaining('id = :id'), { id: 5 });
  });

  it('does not hash anything when no password is given', async () => {
    const { service, qb, passwords } = setup();
    qb.execute.mockResolvedValueOnce({ raw: [STORED] });

    await service.update(5, { email: 'new@example.com' });

    expect(passwords.hash).not.toHaveBeenCalled();
    expect(qb.set.mock.calls[0][0]).toStrictEqual({ email: 'new@example.com' });
  });

  it('answers 404 USER_NOT_FOUND when update finds no live row', async () => {
    const { service, qb } = setup();
    qb.execute.mockResolvedValueOnce({ raw: [] });

    const problem = await problemFrom(service.update(404, { name: 'x' }));

    expect(problem.getStatus()).toBe(404);
    expect(problem.code).toBe(ErrorCode.USER_NOT_FOUND);
  });

  it('answers 401 when updateProfile finds no live, active row', async () => {
    const { service, qb } = setup();
    qb.execute.mockResolvedValueOnce({ raw: [] });

    const problem = await problemFrom(service.updateProfile(5, { name: 'x' }));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(qb.where.mock.calls[0][0]).toContain('is_active');
  });

  it('answers a taken email or username with 409', async () => {
    const { service, qb } = setup();
    qb.execute.mockRejectedValueOnce(uniqueViolation('users_email_live_key'));
    expect((await problemFrom(service.updateProfile(5, { email: 'a@b.co' }))).code).toBe(ErrorCode.EMAIL_TAKEN);

    qb.execute.mockRejectedValueOnce(uniqueViolation('users_username_live_key'));
    expect((await problemFrom(service.update(5, { username: 'taken' }))).code).toBe(ErrorCode.USERNAME_TAKEN);
  });

  it('refuses to demote the last active admin with 409 LAST_ADMIN, inside a transaction', async () => {
    const { service, qb, manager, dataSource } = setup();
    manager.query.mockResolvedValueOnce([{ id: 5 }]);

    const problem = await problemFrom(service.update(5, { role: Role.USER }));

    expect(problem.getStatus()).toBe(409);
    expect(problem.code).toBe(ErrorCode.LAST_ADMIN);
    expect(dataSource.transaction).toHaveBeenCalledTimes(1);
    expect(qb.execute).not.toHaveBeenCalled();
  });

  it('lets an admin be deactivated while another active admin remains', async () => {
    const { service, qb, manager } = setup();
    manager.query.mockResolvedValueOnce([{ id: 5 }, { id: 6 }]);
    qb.execute.mockResolvedValueOnce({ raw: [STORED] });

    await expect(service.update(5, { is_active: false })).resolves.toBe(STORED);
    expect(qb.set.mock.calls[0][0]).toStrictEqual({ is_active: false });
  });
});
