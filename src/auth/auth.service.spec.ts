import type { JwtService } from '@nestjs/jwt';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action.enum';
import type { AuditService } from '../audit/audit.service';
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
import { sha256Hex } from './secret-token';
import type { SessionActivity } from './session-activity';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
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
    refresh: jest.fn().mockResolvedValue(TOKENS),
  };
  // The audit trail: a refused login is recorded on its own; a login's success goes with its session.
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
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
    audit as unknown as AuditService,
  );
  return { service, users, passwords, sessions, attempts, audit };
}

/** The event of a refused login of `login`, as AuthService records it (no actor: nobody logged in). */
const refusal = (action: AuditAction, userId: number | null, login: string, reason?: string) => ({
  action,
  actorId: null,
  userId,
  origin: ORIGIN,
  details: reason === undefined ? { login } : { login, reason },
});

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
    const { service, users, passwords, sessions, audit } = setup();

    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);

    expect(users.findByLogin).toHaveBeenCalledWith({ email: 'jane@example.com', password: 'right' });
    expect(passwords.verify).toHaveBeenCalledWith('right', JANE.password_hash);
    expect(users.upgradeHash).toHaveBeenCalledWith(JANE, 'right');
    // The login's event goes to the statement that opens the session: by Jane, on Jane's account.
    expect(sessions.open).toHaveBeenCalledWith(JANE.id, ORIGIN, {
      action: AuditAction.LOGIN_SUCCEEDED,
      actorId: JANE.id,
      userId: JANE.id,
      origin: ORIGIN,
      details: undefined,
    });
    expect(sessions.open.mock.calls[0][2].action).toBe('login.succeeded');
    expect(users.upgradeHash.mock.invocationCallOrder[0]).toBeLessThan(sessions.open.mock.invocationCallOrder[0]);
    // Nothing recorded on its own: the event commits with the session, or not at all.
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('answers an unknown account with 401 INVALID_CREDENTIALS, at the cost of a bcrypt comparison', async () => {
    const { service, passwords, sessions, audit } = setup(null, false);

    const problem = await problemFrom(service.login({ email: 'nobody@example.com', password: 'whatever' }, ORIGIN));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(passwords.verify).toHaveBeenCalledWith('whatever', undefined);
    expect(sessions.open).not.toHaveBeenCalled();
    // Recorded on its own (no manager: there is no change to commit it with), on no account.
    expect(audit.record.mock.calls).toEqual([
      [refusal(AuditAction.LOGIN_FAILED, null, 'nobody@example.com', 'unknown_account')],
    ]);
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('whatever');
  });

  it('answers a wrong password with the same 401 INVALID_CREDENTIALS', async () => {
    const { service, users, sessions, audit } = setup(JANE, false);

    const wrong = await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN));
    const unknown = await problemFrom(setup(null, false).service.login({ email: 'x@example.com', password: 'p' }, ORIGIN));

    expect(wrong.getStatus()).toBe(401);
    expect(wrong.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(wrong.detail).toBe(unknown.detail);
    expect(users.upgradeHash).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    // The trail, unlike the answer, tells the two apart: a wrong password is on Jane's account.
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'wrong_password')]]);
    expect(audit.record.mock.calls[0][0].details).not.toHaveProperty('password');
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
    const { service, passwords, sessions, audit } = setup(JANE, true, attempts);

    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).rejects.toBe(outage);
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
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
    const { service, attempts, passwords, sessions, audit } = setup(JANE, true);
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
    // login.locked, on no account: the account is not looked up while the name is locked.
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_LOCKED, null, 'jane@example.com')]]);
  });

  it('locks an unknown login name alike, so that a lock tells nothing about whether it exists', async () => {
    const { service, attempts, passwords, audit } = setup(null, false);
    await lock(attempts, 'login:nobody@example.com');

    const problem = await problemFrom(service.login({ email: 'NOBODY@example.com', password: 'p' }, ORIGIN));

    expect(problem.getStatus()).toBe(429);
    expect(problem.code).toBe(ErrorCode.ACCOUNT_LOCKED);
    expect(problem.headers).toHaveProperty('Retry-After');
    expect(passwords.verify).not.toHaveBeenCalled();
    // The name as it was sent.
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_LOCKED, null, 'NOBODY@example.com')]]);
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
    const { service, users, sessions, audit } = setup({ ...JANE, is_active: false } as User, true);

    const problem = await problemFrom(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.ACCOUNT_DISABLED);
    expect(users.upgradeHash).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'account_disabled')]]);
  });

  it('with REQUIRE_EMAIL_VERIFICATION, answers an unverified account with the right password 403 EMAIL_NOT_VERIFIED', async () => {
    const unverified = { ...JANE, email_verified: false } as User;
    const { service, sessions, audit } = setup(unverified, true, undefined, true);
    const problem = await problemFrom(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN));
    expect([problem.getStatus(), problem.code]).toEqual([403, ErrorCode.EMAIL_NOT_VERIFIED]);
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([
      [refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'email_not_verified')],
    ]);
    // A wrong password tells nothing of the address's state; a verified account logs in.
    const wrong = await problemFrom(setup(unverified, false, undefined, true).service.login({ email: 'jane@example.com', password: 'x' }, ORIGIN));
    expect(wrong.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    await expect(setup({ ...JANE, email_verified: true } as User, true, undefined, true).service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);
    // Without the setting, an unverified account logs in.
    await expect(setup(unverified).service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);
  });

  it('answers a disabled account with a wrong password as any wrong password', async () => {
    const { service, audit } = setup({ ...JANE, is_active: false } as User, false);

    expect((await problemFrom(service.login({ email: 'jane@example.com', password: 'wrong' }, ORIGIN))).code).toBe(
      ErrorCode.INVALID_CREDENTIALS,
    );
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'wrong_password')]]);
  });
});

describe('AuthService.logout', () => {
  const CALLER = { id: 7, sessionId: SESSION_ID };
  const TRANSACTION_MANAGER = { name: "a transaction's manager" } as unknown as EntityManager;

  /**
   * AuthService over a real SessionsService (which ends both sessions and records each logout in
   * one transaction), whose repository is a fake: by default neither token names an open session.
   */
  function logoutSetup() {
    const { users, passwords, attempts, audit } = setup();
    const repository = {
      manager: TRANSACTION_MANAGER,
      transaction: jest.fn<Promise<unknown>, [(bound: unknown) => Promise<unknown>]>(),
      revoke: jest.fn<Promise<boolean>, [string, number]>().mockResolvedValue(false),
      revokeByRefreshToken: jest
        .fn<Promise<{ sessionId: string; userId: number } | undefined>, [string]>()
        .mockResolvedValue(undefined),
    };
    repository.transaction.mockImplementation((work) => work(repository));
    const sessions = new SessionsService(
      repository as unknown as SessionsRepository,
      {} as SessionActivity,
      audit as unknown as AuditService,
      {} as JwtService,
      {} as AppConfig,
    );
    const logout = jest.spyOn(sessions, 'logout');
    const service = new AuthService(
      users as unknown as UsersService,
      passwords as unknown as PasswordService,
      sessions,
      attempts,
      { emailTokens: { requireVerification: false } } as AppConfig,
      audit as unknown as AuditService,
    );
    return { service, repository, logout, audit };
  }

  /** The logout event of `sessionId`, by its owner, as it is recorded in the transaction. */
  const logoutEvent = (sessionId: string) => [
    { action: AuditAction.LOGOUT, actorId: 7, userId: 7, origin: ORIGIN, details: { session_id: sessionId } },
    TRANSACTION_MANAGER,
  ];

  it('answers 401 when neither the access token nor the refresh token ends a session', async () => {
    const { service, repository, logout, audit } = logoutSetup();

    const problem = await problemFrom(service.logout(CALLER, 'stale refresh', ORIGIN));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(logout).toHaveBeenCalledWith(CALLER, 'stale refresh', ORIGIN);
    expect(repository.revoke).toHaveBeenCalledWith(SESSION_ID, 7);
    expect(repository.revokeByRefreshToken).toHaveBeenCalledWith(sha256Hex('stale refresh'));
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('answers 401 when given nothing at all, revoking nothing', async () => {
    const { service, repository, audit } = logoutSetup();

    expect((await problemFrom(service.logout(undefined, undefined, ORIGIN))).getStatus()).toBe(401);
    expect(repository.revoke).not.toHaveBeenCalled();
    expect(repository.revokeByRefreshToken).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it("ends the access token's session", async () => {
    const { service, repository, audit } = logoutSetup();
    repository.revoke.mockResolvedValue(true);

    await expect(service.logout(CALLER, undefined, ORIGIN)).resolves.toBeUndefined();
    expect(repository.revoke).toHaveBeenCalledTimes(1);
    expect(repository.revokeByRefreshToken).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([logoutEvent(SESSION_ID)]);
  });

  it("ends the refresh token's session without an access token", async () => {
    const { service, repository, audit } = logoutSetup();
    repository.revokeByRefreshToken.mockResolvedValue({ sessionId: 'refresh-session', userId: 7 });

    await expect(service.logout(undefined, 'refresh', ORIGIN)).resolves.toBeUndefined();
    expect(repository.revokeByRefreshToken).toHaveBeenCalledWith(sha256Hex('refresh'));
    expect(repository.revoke).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([logoutEvent('refresh-session')]);
  });

  it('is ok when only one of the two ends a session', async () => {
    const { service, repository, audit } = logoutSetup();
    repository.revokeByRefreshToken.mockResolvedValueOnce({ sessionId: 'refresh-session', userId: 7 });
    await expect(service.logout(CALLER, 'refresh', ORIGIN)).resolves.toBeUndefined();

    repository.revoke.mockResolvedValueOnce(true);
    await expect(service.logout(CALLER, 'already used', ORIGIN)).resolves.toBeUndefined();

    // One event for each session that ended, none for the token that named none.
    expect(audit.record.mock.calls).toEqual([logoutEvent('refresh-session'), logoutEvent(SESSION_ID)]);
  });
});

describe('AuthService.refresh', () => {
  it('exchanges the refresh token where the request came from', async () => {
    const { service, sessions } = setup();

    await expect(service.refresh('refresh', ORIGIN)).resolves.toBe(TOKENS);

    expect(sessions.refresh.mock.calls).toEqual([['refresh', ORIGIN]]);
  });
});

describe('AuthService.register', () => {
  it('creates a USER whatever the body says and opens a session for it', async () => {
    const { service, users, sessions, audit } = setup();
    users.create.mockResolvedValueOnce(JANE);

    const body = { email: 'jane@example.com', name: 'Jane', password: 'long password', role: Role.ADMIN };
    await expect(service.register(body as never, ORIGIN)).resolves.toEqual({ user: JANE, tokens: TOKENS });

    expect(users.create.mock.calls[0][0].role).toBe(Role.USER);
    // A sign-up's context: no actor yet (UsersService records it, in the insert's transaction).
    expect(users.create.mock.calls[0][1]).toEqual({ actorId: null, origin: ORIGIN });
    expect(sessions.open).toHaveBeenCalledWith(JANE.id, ORIGIN);
    expect(audit.record).not.toHaveBeenCalled();
  });
});
