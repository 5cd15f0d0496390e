import type { AccessTokensService } from './tokens/access-tokens.service';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action.enum';
import type { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config/app-config';
import { ErrorCode } from '../common/problems/error-code.enum';
import { loginDigest } from './lockout/login-digest';
import { ATTEMPTS_CONFIG } from '../../test/support/login-attempts-behaviour';
import type { ProblemException } from '../common/problems/problem.exception';
import { MemoryLoginAttempts } from './lockout/memory-login-attempts';
import type { PasswordService } from '../users/password.service';
import { Role } from '../access/role.enum';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { TokenResponseDto } from './sessions/dto/token-response.dto';
import { sha256Hex } from './tokens/secret-token';
import type { SessionActivity } from './sessions/session-activity';
import type { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import type { MfaRequiredDto } from './second-factor/dto/mfa-required.dto';
import type { MfaLoginService } from './second-factor/mfa-login.service';
import { problemFrom } from '../../test/support/problem-from';

/** Where the requests of these tests come from. */
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Firefox/128.0', requestId: 'req-1' };

const SESSION_ID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';
const MAX_FAILURES = ATTEMPTS_CONFIG.bruteForce.maxLoginFailures;
const SECRET = 'test-secret-that-is-at-least-32-bytes-long';
const digestOf = loginDigest(SECRET);

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

const MFA_REQUIRED: MfaRequiredDto = { mfa_required: true, mfa_token: 'waiting', expires_in: 300, methods: ['totp', 'recovery_code'] };

/**
 * AuthService over fakes but for a real MemoryLoginAttempts (ATTEMPTS_CONFIG: 3 from one
 * address, locks of a second); `account` is who findByLogin finds.
 */
function setup(account: User | null = JANE, passwordIsRight = true, requireVerification = false, attempts = new MemoryLoginAttempts(ATTEMPTS_CONFIG)) {
  const users = {
    findByLogin: jest.fn().mockResolvedValue(account),
    change: jest.fn().mockImplementation((_target, _changes, options: { login?: User }) => Promise.resolve(options.login)),
    create: jest.fn(),
  };
  const passwords = { verify: jest.fn().mockResolvedValue(passwordIsRight) };
  const sessions = {
    open: jest.fn().mockResolvedValue(TOKENS),
    refresh: jest.fn().mockResolvedValue(TOKENS),
  };
  // The audit trail: a refused login is recorded on its own; a login's success goes with its session.
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const mfa = { required: (user: User) => user.mfa_totp, challenge: jest.fn().mockResolvedValue(MFA_REQUIRED) };
  const service = new AuthService(
    users as unknown as UsersService,
    passwords as unknown as PasswordService,
    sessions as unknown as SessionsService,
    attempts,
    { emailTokens: { requireVerification }, jwt: { secret: SECRET } } as AppConfig,
    audit as unknown as AuditService,
    mfa as unknown as MfaLoginService,
  );
  return { service, users, passwords, sessions, attempts, audit, mfa };
}

/** The event of a refused login of `login`, as AuthService records it (no actor: nobody logged in). */
const refusal = (action: AuditAction, userId: number | null, login: string, reason?: string) => ({
  action,
  actorId: null,
  userId,
  origin: ORIGIN,
  details: { login_digest: digestOf(login), ...(reason !== undefined && { reason }) },
});

/** What a login answers: 'tokens', or the problem's status, code and headers. */
async function outcome(service: AuthService, body: { email?: string; username?: string; password: string }, origin = ORIGIN) {
  try {
    return (await service.login(body, origin)) === TOKENS ? 'tokens' : 'other';
  } catch (error) {
    const problem = error as ProblemException;
    return [problem.getStatus(), problem.code, problem.headers];
  }
}

const WRONG = [401, ErrorCode.INVALID_CREDENTIALS, {}];
const LOCKED = [429, ErrorCode.ACCOUNT_LOCKED, { 'Retry-After': '1' }];

describe('AuthService.login', () => {
  it('lets no more than LOGIN_MAX_FAILURES guesses sent at once from one address reach the password check', async () => {
    const { service, passwords } = setup(JANE, false);
    const answers = await Promise.all(Array.from({ length: 10 }, () => outcome(service, { email: JANE.email, password: 'guess' })));
    expect(passwords.verify).toHaveBeenCalledTimes(MAX_FAILURES);
    expect(answers.filter((answer) => JSON.stringify(answer) === JSON.stringify(LOCKED))).toHaveLength(10 - MAX_FAILURES);
  });

  it('logs in every one of right passwords sent at once, more of them than the lockout counts', async () => {
    const { service, sessions } = setup(JANE, true);
    const answers = await Promise.all(Array.from({ length: 10 }, () => outcome(service, { email: JANE.email, password: 'right' })));
    expect(answers).toEqual(Array(10).fill('tokens'));
    expect(sessions.open).toHaveBeenCalledTimes(10);
  });

  it('opens a session for the right password, after upgrading the hash', async () => {
    const { service, users, passwords, sessions, audit } = setup();

    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).resolves.toBe(TOKENS);

    expect(users.findByLogin).toHaveBeenCalledWith({ email: 'jane@example.com', password: 'right' });
    expect(passwords.verify).toHaveBeenCalledWith('right', JANE.password_hash);
    // The same password at today's cost: a rehash, which UsersService makes only when the hash needs it.
    expect(users.change).toHaveBeenCalledWith({ id: JANE.id }, { password: 'right' }, { context: { actorId: JANE.id, origin: ORIGIN }, login: JANE });
    // The login's event goes to the statement that opens the session: by Jane, on Jane's account.
    expect(sessions.open).toHaveBeenCalledWith(JANE, ORIGIN, {
      action: AuditAction.LOGIN_SUCCEEDED,
      actorId: JANE.id,
      userId: JANE.id,
      origin: ORIGIN,
      details: undefined,
    });
    // Nothing recorded on its own: the event commits with the session, or not at all.
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('answers an unknown account with 401 INVALID_CREDENTIALS, at the cost of a bcrypt comparison', async () => {
    const { service, passwords, sessions, audit } = setup(null, false);

    expect(await outcome(service, { email: 'nobody@example.com', password: 'whatever' })).toEqual(WRONG);
    expect(passwords.verify).toHaveBeenCalledWith('whatever', undefined);
    expect(sessions.open).not.toHaveBeenCalled();
    // Recorded on its own (no manager: there is no change to commit it with), on no account.
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, null, 'nobody@example.com', 'unknown_account')]]);
  });

  it('keeps the name tried as a keyed digest, never as typed: a password typed into it is not stored', async () => {
    const { service, audit } = setup(null, false);
    await outcome(service, { username: 'My secret passphrase 9', password: 'oops' });
    const [[event]] = audit.record.mock.calls;
    expect(event.details.login_digest).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(event)).not.toMatch(/secret|passphrase/i);
    // One digest for one name, whatever its case or width; another secret, another digest.
    expect(digestOf('MY SECRET PASSPHRASE 9')).toBe(event.details.login_digest);
    expect(loginDigest(`${SECRET}!`)('my secret passphrase 9')).not.toBe(event.details.login_digest);
  });

  it('answers a wrong password with the same 401 INVALID_CREDENTIALS, and the trail tells whose account it was', async () => {
    const { service, users, sessions, audit } = setup(JANE, false);

    expect(await outcome(service, { email: 'jane@example.com', password: 'wrong' })).toEqual(WRONG);
    expect(users.change).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'wrong_password')]]);
  });

  it('does not let a right password stand in for an unknown account', async () => {
    // verify is false for a missing hash in the real PasswordService; even if it were not,
    // no account means no session.
    const { service, sessions } = setup(null, true);
    expect(await outcome(service, { email: 'x@example.com', password: 'p' })).toEqual(WRONG);
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('answers any sequence alike for an existing account and an unknown name', async () => {
    // Wrong passwords sent with the email as a username, then one with the email: the lock is
    // the name's, whoever has it.
    const answers = [];
    for (const account of [JANE, null]) {
      const { service } = setup(account, false);
      const sequence = [];
      for (let i = 0; i < MAX_FAILURES; i++) sequence.push(await outcome(service, { username: 'jane@example.com', password: 'wrong' }));
      sequence.push(await outcome(service, { email: 'jane@example.com', password: 'wrong' }));
      answers.push(sequence);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual([WRONG, WRONG, WRONG, LOCKED]);
  });

  it('checks no password while the name is locked, and records login.locked on no account', async () => {
    const { service, passwords, sessions, audit } = setup(JANE, false);
    for (let i = 0; i < MAX_FAILURES; i++) await outcome(service, { email: 'jane@example.com', password: 'wrong' });
    passwords.verify.mockClear();
    audit.record.mockClear();
    passwords.verify.mockResolvedValue(true);

    expect(await outcome(service, { email: 'JANE@example.com', password: 'right' })).toEqual(LOCKED);
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_LOCKED, null, 'jane@example.com')]]);
  });

  it("locks the name for the guessing address only: the owner's own address logs in", async () => {
    const { service, passwords } = setup(JANE, false);
    const stranger = { ...ORIGIN, ip: '192.0.2.66' };
    for (let i = 0; i < MAX_FAILURES; i++) await outcome(service, { username: 'jane', password: 'guess' }, stranger);
    expect(await outcome(service, { username: 'jane', password: 'guess' }, stranger)).toEqual(LOCKED);
    passwords.verify.mockResolvedValue(true);
    expect(await outcome(service, { username: 'jane', password: 'right' })).toBe('tokens');
  });

  it('checks no password when the attempts cannot be counted', async () => {
    const attempts = new MemoryLoginAttempts(ATTEMPTS_CONFIG);
    const outage = new Error('store unavailable');
    jest.spyOn(attempts, 'begin').mockRejectedValueOnce(outage);
    const { service, passwords, sessions, audit } = setup(JANE, true, false, attempts);

    await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).rejects.toBe(outage);
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('forgets the wrong passwords after the right one, on both of the account’s names', async () => {
    const { service, passwords } = setup(JANE, false);
    for (let i = 0; i < MAX_FAILURES - 1; i++) await outcome(service, { username: 'jane', password: 'wrong' });
    for (let i = 0; i < MAX_FAILURES - 1; i++) await outcome(service, { email: 'jane@example.com', password: 'wrong' });
    passwords.verify.mockResolvedValueOnce(true);
    expect(await outcome(service, { email: 'jane@example.com', password: 'right' })).toBe('tokens');
    // Both counts started again: MAX_FAILURES wrong passwords are checked on each before a lock.
    for (const name of [{ username: 'jane' }, { email: 'jane@example.com' }]) {
      for (let i = 0; i < MAX_FAILURES; i++) expect(await outcome(service, { ...name, password: 'wrong' })).toEqual(WRONG);
      expect(await outcome(service, { ...name, password: 'wrong' })).toEqual(LOCKED);
    }
  });

  it('answers an account with a second factor with a waiting login and no session', async () => {
    const withApp = { ...JANE, mfa_totp: true } as User;
    const { service, sessions, mfa } = setup(withApp, true);
    await expect(service.login({ email: JANE.email, password: 'right' }, ORIGIN)).resolves.toBe(MFA_REQUIRED);
    expect(mfa.challenge).toHaveBeenCalledWith(withApp);
    expect(sessions.open).not.toHaveBeenCalled();
  });

  it('with a second factor, forgives no wrong guess for the right password alone: only a right code does', async () => {
    const { service, passwords } = setup({ ...JANE, mfa_totp: true } as User, false);
    for (let i = 0; i < MAX_FAILURES - 1; i++) await outcome(service, { email: JANE.email, password: 'wrong' });
    passwords.verify.mockResolvedValueOnce(true);
    await service.login({ email: JANE.email, password: 'right' }, ORIGIN);
    // The count stood: one more wrong password and the name is locked.
    expect(await outcome(service, { email: JANE.email, password: 'wrong' })).toEqual(WRONG);
    expect(await outcome(service, { email: JANE.email, password: 'wrong' })).toEqual(LOCKED);
  });

  it('gives the attempt back when the session cannot be opened, counting nothing', async () => {
    const { service, sessions } = setup(JANE, true);
    sessions.open.mockRejectedValue(new Error('database away'));
    for (let i = 0; i < MAX_FAILURES + 2; i++) {
      await expect(service.login({ email: 'jane@example.com', password: 'right' }, ORIGIN)).rejects.toThrow('database away');
    }
    sessions.open.mockResolvedValue(TOKENS);
    expect(await outcome(service, { email: 'jane@example.com', password: 'right' })).toBe('tokens');
  });

  it('answers a disabled account with the right password with 401 ACCOUNT_DISABLED, opening no session', async () => {
    const { service, users, sessions, audit } = setup({ ...JANE, is_active: false } as User, true);

    expect(await outcome(service, { email: 'jane@example.com', password: 'right' })).toEqual([401, ErrorCode.ACCOUNT_DISABLED, {}]);
    expect(users.change).not.toHaveBeenCalled();
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'account_disabled')]]);
  });

  it('with REQUIRE_EMAIL_VERIFICATION, answers an unverified account with the right password 403 EMAIL_NOT_VERIFIED', async () => {
    const unverified = { ...JANE, email_verified: false } as User;
    const { service, sessions, audit } = setup(unverified, true, true);
    expect(await outcome(service, { email: 'jane@example.com', password: 'right' })).toEqual([403, ErrorCode.EMAIL_NOT_VERIFIED, {}]);
    expect(sessions.open).not.toHaveBeenCalled();
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'email_not_verified')]]);
    // A wrong password tells nothing of the address's state; a verified account logs in.
    expect(await outcome(setup(unverified, false, true).service, { email: 'jane@example.com', password: 'x' })).toEqual(WRONG);
    expect(await outcome(setup({ ...JANE, email_verified: true } as User, true, true).service, { email: 'jane@example.com', password: 'right' })).toBe('tokens');
    // Without the setting, an unverified account logs in.
    expect(await outcome(setup(unverified).service, { email: 'jane@example.com', password: 'right' })).toBe('tokens');
  });

  it('answers a disabled account with a wrong password as any wrong password', async () => {
    const { service, audit } = setup({ ...JANE, is_active: false } as User, false);
    expect(await outcome(service, { email: 'jane@example.com', password: 'wrong' })).toEqual(WRONG);
    expect(audit.record.mock.calls).toEqual([[refusal(AuditAction.LOGIN_FAILED, JANE.id, 'jane@example.com', 'wrong_password')]]);
  });
});

describe('AuthService.logout', () => {
  const CALLER = { id: 7, sessionId: SESSION_ID };
  const TRANSACTION_MANAGER = { name: "a transaction's manager" } as unknown as EntityManager;
  /** The logout event the statement that ends a session writes with it, as SessionsService hands it over. */
  const OWN_LOGOUT = { action: AuditAction.LOGOUT, actorId: 7, userId: 7, origin: ORIGIN, details: { session_id: SESSION_ID } };
  /** By and about the session's user, its session_id: the statement knows them. */
  const REFRESH_LOGOUT = { action: AuditAction.LOGOUT, actorId: null, userId: null, origin: ORIGIN, details: undefined };

  /**
   * AuthService over a real SessionsService (which ends both sessions in one transaction, each
   * statement with its logout event), whose repository is a fake: by default neither token names
   * an open session.
   */
  function logoutSetup() {
    const { users, passwords, attempts, audit } = setup();
    const repository = {
      manager: TRANSACTION_MANAGER,
      transaction: jest.fn<Promise<unknown>, [(bound: unknown) => Promise<unknown>]>(),
      revoke: jest.fn<Promise<boolean>, [string, number, unknown]>().mockResolvedValue(false),
      revokeByRefreshToken: jest
        .fn<Promise<{ sessionId: string; userId: number } | undefined>, [string, unknown]>()
        .mockResolvedValue(undefined),
    };
    repository.transaction.mockImplementation((work) => work(repository));
    const sessions = new SessionsService(
      repository as unknown as SessionsRepository,
      {} as SessionActivity,
      {} as AccessTokensService,
      {} as AppConfig,
    );
    const logout = jest.spyOn(sessions, 'logout');
    const service = new AuthService(
      users as unknown as UsersService,
      passwords as unknown as PasswordService,
      sessions,
      attempts,
      { emailTokens: { requireVerification: false }, jwt: { secret: SECRET } } as AppConfig,
      audit as unknown as AuditService,
      {} as MfaLoginService,
    );
    return { service, repository, logout, audit };
  }

  it('answers 401 when neither the access token nor the refresh token ends a session', async () => {
    const { service, repository, logout, audit } = logoutSetup();

    const problem = await problemFrom(service.logout(CALLER, 'stale refresh', ORIGIN));

    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(logout).toHaveBeenCalledWith(CALLER, 'stale refresh', ORIGIN);
    expect(repository.revoke).toHaveBeenCalledWith(SESSION_ID, 7, OWN_LOGOUT);
    expect(repository.revokeByRefreshToken).toHaveBeenCalledWith(sha256Hex('stale refresh'), REFRESH_LOGOUT);
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
    expect(repository.revoke.mock.calls).toEqual([[SESSION_ID, 7, OWN_LOGOUT]]);
    expect(repository.revokeByRefreshToken).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it("ends the refresh token's session without an access token", async () => {
    const { service, repository, audit } = logoutSetup();
    repository.revokeByRefreshToken.mockResolvedValue({ sessionId: 'refresh-session', userId: 7 });

    await expect(service.logout(undefined, 'refresh', ORIGIN)).resolves.toBeUndefined();
    expect(repository.revokeByRefreshToken.mock.calls).toEqual([[sha256Hex('refresh'), REFRESH_LOGOUT]]);
    expect(repository.revoke).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('is ok when only one of the two ends a session', async () => {
    const { service, repository, audit } = logoutSetup();
    repository.revokeByRefreshToken.mockResolvedValueOnce({ sessionId: 'refresh-session', userId: 7 });
    await expect(service.logout(CALLER, 'refresh', ORIGIN)).resolves.toBeUndefined();

    repository.revoke.mockResolvedValueOnce(true);
    await expect(service.logout(CALLER, 'already used', ORIGIN)).resolves.toBeUndefined();

    // Each statement carries its event, written only for a session it ends (sessions.repository.db.spec.ts).
    expect(repository.revoke).toHaveBeenCalledTimes(2);
    expect(repository.revokeByRefreshToken).toHaveBeenCalledTimes(2);
    expect(audit.record).not.toHaveBeenCalled();
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
    expect(users.create.mock.calls[0][1]).toEqual({ context: { actorId: null, origin: ORIGIN } });
    expect(sessions.open).toHaveBeenCalledWith(JANE, ORIGIN);
    expect(audit.record).not.toHaveBeenCalled();
  });
});
