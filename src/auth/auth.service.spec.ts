import type { AppConfig } from '../config/app-config';
import { ErrorCode } from '../common/error-code.enum';
import { LoginAttempts } from './login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';
import type { PasswordService } from '../users/password.service';
import { Role } from '../users/role.enum';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { TokenResponseDto } from './dto/token-response.dto';
import type { SessionsService } from './sessions.service';
import { problemFrom } from '../../test/support/problem-from';

/** Where the requests of these tests come from. */
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Firefox/128.0', requestId: 'req-1' };

const MAX_FAILURES = 3;
const LOCKOUT_SECONDS = 60;
const SESSION_ID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';

const JANE = {
  id: 7,
  email: 'jane@example.com',
  username: 'jane',
  role: Role.USER,
  is_active: true,
  password_hash: '$2b$04$stored',
} as User;

const TOKENS: TokenResponseDto = {
  access_token: 'access',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'refresh',
};

/**
 * AuthService over fakes, with a real MemoryLoginAttempts unless `given` is; `account`
 * is who findByLogin finds.
 */
function setup<A extends LoginAttempts = MemoryLoginAttempts>(
  account: User | null = JANE,
  passwordIsRight = true,
  given?: A,
  requireVerification = false,
) {
  const users = {
    findByLogin: jest.fn().mockResolvedValue(account),
    upgradeHash: jest.fn().mockResolvedValue(undefined),
    create: jest.fn(),
  };
  const passwords = { verify: jest.fn().mockResolvedValue(passwordIsRight) };
  const sessions = {
    open: jest.fn().mockResolvedValue(TOKENS),
    revoke: jest.fn().mockResolvedValue(false),
    refresh: jest.fn(),
  };
  const attempts =
    given ??
    new MemoryLoginAttempts({
      bruteForce: { maxLoginFailures: MAX_FAILURES, lockoutSeconds: LOCKOUT_SECONDS },
    } as AppConfig);
  const service = new AuthService(
    users as unknown as UsersService,
    passwords as unknown as PasswordService,
    sessions as unknown as SessionsService,
    attempts,
    { emailTokens: { requireVerification } } as AppConfig,
  );
  return { service, users, passwords, sessions, attempts };
}

async function lock(attempts: LoginAttempts, key: string) {
  for (let i = 0; i < MAX_FAILURES; i++) await attempts.attempt(key);
}

/** A LoginAttempts whose answers the test gives, one call at a time. */
class DeferredLoginAttempts extends LoginAttempts {
  readonly attempt = jest.fn<Promise<number>, [string]>();
  readonly clear = jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined);
}

/** A promise and the function that resolves it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((done) => setImmediate(done));

describe('AuthService.login', () => {
  it('lets no more than LOGIN_MAX_FAILURES guesses sent at once reach the password check', async () => {
    const { service, passwords } = setup(JANE, false);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => problemFrom(service.login({ email: JANE.email, password: 'guess' }, ORIGIN))),
    );

    expect(passwords.verify).toHaveBeenCalledTimes(MAX_FAILURES);
    expect(answers.filter((problem) => problem.code === ErrorCode.ACCOUNT_LOCKED)).toHaveLength(10 - MAX_FAILURES);
  });

  it('opens a session for the right password, after upgrading the hash', async () => {
    const { service, users, passwords, sessions } = setup();

    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);

    expect(users.findByLogin).toHaveBeenCalledWith({ email: 'jane@example.com', password: 'right' });
    expect(passwords.verify).toHaveBeenCalledWith('right', JANE.password_hash);
    expect(users.upgradeHash).toHaveBeenCalledWith(JANE, 'right');
    expect(sessions.open).toHaveBeenCalledWith(JANE.id, ORIGIN);
    expect(users.upgradeHash.mock.invocationCallOrder[0]).toBeLessThan(sessions.open.mock.invocationCallOrder[0]);
  });

  it('answers an unknown account with 401 INVALID_CREDENTIALS, at the cost of a bcrypt comparison', async () => {
    const { service, passwords, sessions } = setup(null, false);

    const problem = await problemFrom(service.login({ email: 'nobody@example.com', password: 'whatever' }, ORIGIN));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(passwords.verify).toHaveBeenCalledWith('whatever', undefined);
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('answers a wrong password with the same 401 INVALID_CREDENTIALS', async () => {
    const { service, users, sessions } = setup(JANE, false);

    const wrong = await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN));
    const unknown = await problemFrom(setup(null, false).service.login({ email: 'x@example.com', password: 'p' }, ORIGIN));

    expect(wrong.getStatus()).toBe(401);
    expect(wrong.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(wrong.detail).toBe(unknown.detail);
    expect(users.upgradeHash).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('does not let a right password stand in for an unknown account', async () => {
    // verify is false for a missing hash in the real PasswordService; even if it were not,
    // no account means no session.
    const { service, sessions } = setup(null, true);
    expect((await problemFrom(service.login({ email: 'x@example.com', password: 'p' }, ORIGIN))).code).toBe(
      ErrorCode.INVALID_CREDENTIALS,
    );
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('counts an attempt on the name sent before looking the account up or checking the password', async () => {
    const { service, attempts, passwords, users } = setup(JANE, false);
    const attempt = jest.spyOn(attempts, 'attempt');

    await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN));

    expect(attempt).toHaveBeenCalledTimes(1);
    expect(attempt.mock.calls[0][0]).toBe('login:jane@example.com');
    expect(attempt.mock.invocationCallOrder[0]).toBeLessThan(users.findByLogin.mock.invocationCallOrder[0]);
    expect(attempt.mock.invocationCallOrder[0]).toBeLessThan(passwords.verify.mock.invocationCallOrder[0]);
  });

  it('answers any sequence alike for an existing account and an unknown name', async () => {
    // Five wrong passwords sent with the email as a username, then one with the email: the
    // lock is the name's, whoever has it.
    const answers = [];
    for (const account of [JANE, null]) {
      const { service } = setup(account, false);
      const sequence = [];
      for (let i = 0; i < MAX_FAILURES; i++) {
        sequence.push(await problemFrom(service.login({ username: 'jane@example.com', password: 'wrong' }, ORIGIN)));
      }
      sequence.push(await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN)));
      answers.push(sequence.map((problem) => [problem.getStatus(), problem.code, problem.headers]));
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0].at(-1)).toEqual([429, ErrorCode.ACCOUNT_LOCKED, { 'Retry-After': String(LOCKOUT_SECONDS) }]);
  });

  it('waits for the attempt to be counted before checking the password', async () => {
    const attempts = new DeferredLoginAttempts();
    const counted = deferred<number>();
    attempts.attempt.mockReturnValueOnce(counted.promise);
    const { service, passwords } = setup(JANE, true, attempts);

    const login = service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN);
    await settle();
    expect(attempts.attempt).toHaveBeenCalledWith('login:jane@example.com');
    expect(passwords.verify).not.toHaveBeenCalled();

    counted.resolve(0);
    await expect(login).resolves.toBe(TOKENS);
    expect(passwords.verify).toHaveBeenCalledTimes(1);
  });

  it('checks no password when the attempts cannot be counted', async () => {
    const attempts = new DeferredLoginAttempts();
    const outage = new Error('store unavailable');
    attempts.attempt.mockRejectedValueOnce(outage);
    const { service, passwords, sessions } = setup(JANE, true, attempts);

    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).rejects.toBe(outage);
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('counts an unknown account under its lower-cased login name', async () => {
    const { service, attempts } = setup(null, false);
    const attempt = jest.spyOn(attempts, 'attempt');

    await problemFrom(service.login({ email: 'Nobody@Example.com', password: 'p' }, ORIGIN));
    await problemFrom(service.login({ username: 'Ghost', password: 'p' }, ORIGIN));

    expect(attempt.mock.calls.map(([key]) => key)).toEqual(['login:nobody@example.com', 'login:ghost']);
  });

  it('does not clear the count after a wrong password', async () => {
    const { service, attempts } = setup(JANE, false);
    const clear = jest.spyOn(attempts, 'clear');

    await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN));
    await problemFrom(setup(null, false, attempts).service.login({ email: 'x@example.com', password: 'p' }, ORIGIN));

    expect(clear).not.toHaveBeenCalled();
  });

  it('locks an account after the maximum number of wrong passwords', async () => {
    const { service, passwords } = setup(JANE, false);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect((await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN))).code).toBe(
        ErrorCode.INVALID_CREDENTIALS,
      );
    }

    const problem = await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN));

    expect(problem.getStatus()).toBe(429);
    expect(problem.code).toBe(ErrorCode.ACCOUNT_LOCKED);
    expect(passwords.verify).toHaveBeenCalledTimes(MAX_FAILURES);
  });

  it('answers a locked account with 429 ACCOUNT_LOCKED and Retry-After, without checking the password', async () => {
    const { service, attempts, passwords, sessions } = setup(JANE, true);
    await lock(attempts, 'login:jane@example.com');

    const problem = await problemFrom(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN));

    expect(problem.getStatus()).toBe(429);
    expect(problem.code).toBe(ErrorCode.ACCOUNT_LOCKED);
    const retryAfter = Number(problem.headers['Retry-After']);
    expect(retryAfter).toBeGreaterThan(LOCKOUT_SECONDS - 5);
    expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    expect(problem.headers['Retry-After']).toMatch(/^\d+$/);
    expect(problem.detail).toContain(problem.headers['Retry-After']);
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('locks an unknown login name alike, so that a lock tells nothing about whether it exists', async () => {
    const { service, attempts, passwords } = setup(null, false);
    await lock(attempts, 'login:nobody@example.com');

    const problem = await problemFrom(service.login({ email: 'NOBODY@example.com', password: 'p' }, ORIGIN));

    expect(problem.getStatus()).toBe(429);
    expect(problem.code).toBe(ErrorCode.ACCOUNT_LOCKED);
    expect(problem.headers).toHaveProperty('Retry-After');
    expect(passwords.verify).not.toHaveBeenCalled();
  });

  it('clears the attempts after the right password', async () => {
    const { service, attempts, passwords } = setup(JANE, false);
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN));
    }
    const clear = jest.spyOn(attempts, 'clear');

    // The right password on the last attempt allowed: it goes ahead, and the count is cleared.
    passwords.verify.mockResolvedValueOnce(true);
    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);
    // Both of the account's names: a lock on the other one is lifted by the right password too.
    expect(clear.mock.calls).toEqual([['login:jane@example.com'], ['login:jane']]);
    expect(clear.mock.invocationCallOrder[0]).toBeGreaterThan(passwords.verify.mock.invocationCallOrder.at(-1)!);

    // The count started again: the maximum number of wrong passwords are checked before a lock.
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect((await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN))).code).toBe(
        ErrorCode.INVALID_CREDENTIALS,
      );
    }
    expect((await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN))).code).toBe(
      ErrorCode.ACCOUNT_LOCKED,
    );
  });

  it('waits for the count to be cleared before opening the session', async () => {
    const attempts = new DeferredLoginAttempts();
    attempts.attempt.mockResolvedValueOnce(0);
    const cleared = deferred<void>();
    attempts.clear.mockReturnValueOnce(cleared.promise);
    const { service, sessions } = setup(JANE, true, attempts);

    const login = service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN);
    await settle();
    expect(attempts.clear).toHaveBeenCalledWith('login:jane@example.com');
    expect(sessions.open).not.toHaveBeenCalled();

    cleared.resolve();
    await expect(login).resolves.toBe(TOKENS);
  });

  it('answers a disabled account with the right password with 401 ACCOUNT_DISABLED, opening no session', async () => {
    const { service, users, sessions } = setup({ ...JANE, is_active: false } as User, true);

    const problem = await problemFrom(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.ACCOUNT_DISABLED);
    expect(users.upgradeHash).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('with REQUIRE_EMAIL_VERIFICATION, answers an unverified account with the right password 403 EMAIL_NOT_VERIFIED', async () => {
    const unverified = { ...JANE, email_verified: false } as User;
    const { service, sessions } = setup(unverified, true, undefined, true);
    const problem = await problemFrom(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN));
    expect([problem.getStatus(), problem.code]).toEqual([403, ErrorCode.EMAIL_NOT_VERIFIED]);
    expect(sessions.open).not.toHaveBeenCalled();
    // A wrong password tells nothing of the address's state; a verified account logs in.
    const wrong = await problemFrom(setup(unverified, false, undefined, true).service.login({ email: 'jane@example.com', password: 'x' }, ORIGIN));
    expect(wrong.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    await expect(setup({ ...JANE, email_verified: true } as User, true, undefined, true).service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);
    // Without the setting, an unverified account logs in.
    await expect(setup(unverified).service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);
  });

  it('answers a disabled account with a wrong password as any wrong password', async () => {
    const { service } = setup({ ...JANE, is_active: false } as User, false);

    expect((await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN))).code).toBe(
      ErrorCode.INVALID_CREDENTIALS,
    );
  });
});

describe('AuthService.logout', () => {
  const CALLER = { id: 7, sessionId: SESSION_ID };

  it('answers 401 when neither the access token nor the refresh token ends a session', async () => {
    const { service, sessions } = setup();

    const problem = await problemFrom(service.logout(CALLER, 'stale refresh'));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(sessions.revoke).toHaveBeenCalledWith({ sessionId: SESSION_ID, userId: 7 });
    expect(sessions.revoke).toHaveBeenCalledWith({ refreshToken: 'stale refresh' });
  });

  it('answers 401 when given nothing at all, revoking nothing', async () => {
    const { service, sessions } = setup();

    expect((await problemFrom(service.logout(undefined, undefined))).getStatus()).toBe(401);
    expect(sessions.revoke).not.toHaveBeenCalled();
  });

  it("ends the access token's session", async () => {
    const { service, sessions } = setup();
    sessions.revoke.mockImplementation(async (session: object) => 'sessionId' in session);

    await expect(service.logout(CALLER, undefined)).resolves.toBeUndefined();
    expect(sessions.revoke).toHaveBeenCalledTimes(1);
  });

  it("ends the refresh token's session without an access token", async () => {
    const { service, sessions } = setup();
    sessions.revoke.mockImplementation(async (session: object) => 'refreshToken' in session);

    await expect(service.logout(undefined, 'refresh')).resolves.toBeUndefined();
    expect(sessions.revoke).toHaveBeenCalledWith({ refreshToken: 'refresh' });
  });

  it('is ok when only one of the two ends a session', async () => {
    const { service, sessions } = setup();
    sessions.revoke.mockImplementation(async (session: object) => 'refreshToken' in session);
    await expect(service.logout(CALLER, 'refresh')).resolves.toBeUndefined();

    sessions.revoke.mockImplementation(async (session: object) => 'sessionId' in session);
    await expect(service.logout(CALLER, 'already used')).resolves.toBeUndefined();
  });
});

describe('AuthService.register', () => {
  it('creates a USER whatever the body says and opens a session for it', async () => {
    const { service, users, sessions } = setup();
    users.create.mockResolvedValueOnce(JANE);

    const body = { email: 'jane@example.com', name: 'Jane', password: 'long password', role: Role.ADMIN };
    await expect(service.register(body as never, ORIGIN)).resolves.toEqual({ user: JANE, tokens: TOKENS });

    expect(users.create.mock.calls[0][0].role).toBe(Role.USER);
    expect(sessions.open).toHaveBeenCalledWith(JANE.id, ORIGIN);
  });
});
