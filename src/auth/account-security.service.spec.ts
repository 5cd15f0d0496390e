import type { EntityManager } from 'typeorm';
import { problemFrom } from '../../test/support/problem-from';
import { ErrorCode } from '../common/error-code.enum';
import type { AppConfig } from '../config/app-config';
import type { PasswordService } from '../users/password.service';
import type { User } from '../users/user.entity';
import type { EmailLinkMails } from './email-link-mails';
import { AuthAccountSecurity } from './account-security.service';
import { MemoryLoginAttempts } from './memory-login-attempts';
import type { SessionsRepository } from './sessions.repository';

// Auth's side of the AccountSecurity seam, which users.service.spec.ts fakes. The attempts are a
// real MemoryLoginAttempts (spied on) so that "locked" means what the configured max makes it
// mean; the SQL of revokeAllOf is tested on a real database in sessions.repository.db.spec.ts.

const MAX_FAILURES = 3;
const LOCKOUT_SECONDS = 60;
const START = Date.UTC(2030, 0, 1);
const SESSION_ID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';

// Mixed case on purpose: the keys are the normalised names, as the login's are.
const JANE = { id: 7, email: 'Jane@Example.com', username: 'Jane_1', password_hash: 'stored-hash' } as User;
const JANE_KEYS = ['login:jane@example.com', 'login:jane_1'];

/** Stand-in for the manager of the transaction a users change opened. */
const TRANSACTION_MANAGER = { name: "a transaction's manager" } as unknown as EntityManager;

function setup(passwordIsRight = true) {
  // A fixed clock, so that lock times (and Retry-After) are exact.
  const clock = { now: START };
  jest.spyOn(Date, 'now').mockImplementation(() => clock.now);
  const attempts = new MemoryLoginAttempts({
    bruteForce: { maxLoginFailures: MAX_FAILURES, lockoutSeconds: LOCKOUT_SECONDS },
  } as AppConfig);
  const attempt = jest.spyOn(attempts, 'attempt');
  const attemptAll = jest.spyOn(attempts, 'attemptAll');
  const clearAll = jest.spyOn(attempts, 'clearAll');
  const passwords = { verify: jest.fn().mockResolvedValue(passwordIsRight) };
  // `on` binds the repository to a manager; revokeAllOf must be called on the bound one.
  const bound = { revokeAllOf: jest.fn().mockResolvedValue(undefined) };
  const sessions = { on: jest.fn().mockReturnValue(bound) };
  const mails = {
    queueVerification: jest.fn().mockResolvedValue(undefined),
    voidPasswordLinks: jest.fn().mockResolvedValue(undefined),
    queueEmailChangedNotice: jest.fn().mockResolvedValue(undefined),
    queueInvitation: jest.fn().mockResolvedValue(undefined),
  };
  const security = new AuthAccountSecurity(
    passwords as unknown as PasswordService,
    attempts,
    sessions as unknown as SessionsRepository,
    mails as unknown as EmailLinkMails,
  );
  return { security, clock, attempts, attempt, attemptAll, clearAll, passwords, sessions, bound, mails };
}

afterEach(() => jest.restoreAllMocks());

describe('AuthAccountSecurity.verifyPassword', () => {
  it("counts the try on both of the account's names before checking the password", async () => {
    const { security, attempt, attemptAll, passwords } = setup();
    await security.verifyPassword(JANE, 'correct horse');
    expect(attemptAll).toHaveBeenCalledWith(JANE_KEYS);
    expect(attempt.mock.calls.map(([key]) => key)).toEqual(JANE_KEYS);
    expect(passwords.verify).toHaveBeenCalledWith('correct horse', 'stored-hash');
    // Counted first: guesses sent all at once cannot all be checked before any is counted.
    const lastCount = Math.max(...attempt.mock.invocationCallOrder);
    expect(lastCount).toBeLessThan(passwords.verify.mock.invocationCallOrder[0]);
  });

  it('answers a wrong password 401 INVALID_CREDENTIALS and keeps the count', async () => {
    const { security, attempts, clearAll } = setup(false);
    const thrown = await problemFrom(security.verifyPassword(JANE, 'wrong'));
    expect([thrown.getStatus(), thrown.code]).toEqual([401, ErrorCode.INVALID_CREDENTIALS]);
    expect(clearAll).not.toHaveBeenCalled();
    // Still counted on each name: the next tries reach the lock (MAX_FAILURES - 1 more are allowed).
    for (let i = 1; i < MAX_FAILURES; i++) expect(await attempts.attemptAll(JANE_KEYS)).toBe(0);
    expect(await attempts.attemptAll([JANE_KEYS[0]])).toBe(LOCKOUT_SECONDS);
    expect(await attempts.attemptAll([JANE_KEYS[1]])).toBe(LOCKOUT_SECONDS);
  });

  it('clears the count on both names after a right password', async () => {
    const { security, attempts, clearAll } = setup(true);
    // Earlier failures, one short of the lock.
    for (let i = 1; i < MAX_FAILURES; i++) await attempts.attemptAll(JANE_KEYS);
    await expect(security.verifyPassword(JANE, 'correct horse')).resolves.toBeUndefined();
    expect(clearAll).toHaveBeenCalledWith(JANE_KEYS);
    // The count starts again: MAX_FAILURES - 1 tries later neither name is locked.
    for (let i = 1; i < MAX_FAILURES; i++) expect(await attempts.attemptAll(JANE_KEYS)).toBe(0);
  });

  it.each([
    ['email', 0],
    ['username', 1],
  ])('answers 429 with Retry-After when the %s is locked, without checking the password', async (_name, index) => {
    const { security, attempts, clock, passwords, clearAll } = setup(true);
    // MAX_FAILURES attempts lock a name (from a login with that name alone, say); the lock
    // counts from the last one.
    for (let i = 0; i < MAX_FAILURES; i++) await attempts.attempt(JANE_KEYS[index]);
    clock.now += 15_000;
    const thrown = await problemFrom(security.verifyPassword(JANE, 'correct horse'));
    expect([thrown.getStatus(), thrown.code]).toEqual([429, ErrorCode.ACCOUNT_LOCKED]);
    // Retry-After is the seconds the lock has left, not the full lockout.
    expect(thrown.headers).toEqual({ 'Retry-After': String(LOCKOUT_SECONDS - 15) });
    // Even the right password is not checked (no oracle while locked) and lifts nothing.
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(clearAll).not.toHaveBeenCalled();
  });

  it('locks after MAX_FAILURES wrong passwords through it alone', async () => {
    const { security, passwords } = setup(false);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect((await problemFrom(security.verifyPassword(JANE, 'wrong'))).code).toBe(ErrorCode.INVALID_CREDENTIALS);
    }
    const thrown = await problemFrom(security.verifyPassword(JANE, 'wrong'));
    expect([thrown.getStatus(), thrown.headers]).toEqual([429, { 'Retry-After': String(LOCKOUT_SECONDS) }]);
    expect(passwords.verify).toHaveBeenCalledTimes(MAX_FAILURES);
  });
});

describe('AuthAccountSecurity.liftLockout', () => {
  it("clears both of the account's names", async () => {
    const { security, attempts, clearAll } = setup();
    for (let i = 0; i < MAX_FAILURES; i++) await attempts.attemptAll(JANE_KEYS);
    await security.liftLockout({ email: JANE.email, username: JANE.username });
    expect(clearAll).toHaveBeenCalledWith(JANE_KEYS);
    expect(await attempts.attemptAll(JANE_KEYS)).toBe(0);
  });
});

describe('AuthAccountSecurity.endSessions', () => {
  it("revokes all the user's sessions in the given transaction", async () => {
    const { security, sessions, bound } = setup();
    await security.endSessions(TRANSACTION_MANAGER, JANE.id);
    expect(sessions.on).toHaveBeenCalledWith(TRANSACTION_MANAGER);
    expect(bound.revokeAllOf).toHaveBeenCalledWith(JANE.id, undefined);
  });

  it('keeps the given session, in the given transaction', async () => {
    const { security, sessions, bound } = setup();
    await security.endSessions(TRANSACTION_MANAGER, JANE.id, SESSION_ID);
    expect(sessions.on).toHaveBeenCalledWith(TRANSACTION_MANAGER);
    expect(bound.revokeAllOf).toHaveBeenCalledWith(JANE.id, SESSION_ID);
  });

  it('fails when the revoke fails, so that the change rolls back', async () => {
    const { security, bound } = setup();
    const failure = new Error('connection lost');
    bound.revokeAllOf.mockRejectedValue(failure);
    await expect(security.endSessions(TRANSACTION_MANAGER, JANE.id)).rejects.toBe(failure);
  });
});

describe('AuthAccountSecurity and the links sent by mail', () => {
  it("queues a verification mail for a new account, in the transaction that inserts it", async () => {
    const { security, mails } = setup();
    await security.accountCreated(TRANSACTION_MANAGER, JANE);
    expect(mails.queueVerification).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE);
    expect(mails.queueInvitation).not.toHaveBeenCalled();
  });

  it('invites the owner of a new account that has no password, instead of asking for a verification', async () => {
    const { security, mails } = setup();
    const invited = { ...JANE, password_hash: null } as User;
    await security.accountCreated(TRANSACTION_MANAGER, invited);
    expect(mails.queueInvitation).toHaveBeenCalledWith(TRANSACTION_MANAGER, invited);
    expect(mails.queueVerification).not.toHaveBeenCalled();
  });

  it('asks the new address to prove itself and tells the old one, when the email changes', async () => {
    const { security, mails } = setup();
    await security.emailChanged(TRANSACTION_MANAGER, JANE, 'old@example.com');
    expect(mails.queueVerification).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE);
    expect(mails.queueEmailChangedNotice).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE, 'old@example.com');
  });

  it("voids the account's reset and invitation links when its password changes", async () => {
    const { security, mails } = setup();
    await security.passwordChanged(TRANSACTION_MANAGER, 7);
    expect(mails.voidPasswordLinks).toHaveBeenCalledWith(TRANSACTION_MANAGER, 7);
  });
});
