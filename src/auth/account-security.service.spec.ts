import type { EntityManager } from 'typeorm';
import { problemFrom } from '../../test/support/problem-from';
import { ErrorCode } from '../common/problems/error-code.enum';
import type { PasswordService } from '../users/password.service';
import type { User } from '../users/user.entity';
import type { EmailLinkMails } from './email-links/email-link-mails';
import { AuthAccountSecurity } from './account-security.service';
import { MemoryLoginAttempts } from './lockout/memory-login-attempts';
import { ATTEMPTS_CONFIG } from '../../test/support/login-attempts-behaviour';
import type { ProblemException } from '../common/problems/problem.exception';
import type { SessionsRepository } from './sessions/sessions.repository';

// Auth's side of the AccountSecurity seam, which users.service.spec.ts fakes. The attempts are a
// real MemoryLoginAttempts, so that "locked" means what the configured limits make it mean; the
// SQL of revokeAllOf is tested on a real database in sessions.repository.db.spec.ts.

const SESSION_ID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';
const HOME = '198.51.100.1';

// Mixed case on purpose: the counts are on the normalised names, as the login's are.
const JANE = { id: 7, email: 'Jane@Example.com', username: 'Jane_1', password_hash: 'stored-hash' } as User;

/** Stand-in for the manager of the transaction a users change opened. */
const TRANSACTION_MANAGER = { name: "a transaction's manager" } as unknown as EntityManager;

function setup(passwordIsRight = true) {
  const attempts = new MemoryLoginAttempts(ATTEMPTS_CONFIG);
  const passwords = { verify: jest.fn().mockResolvedValue(passwordIsRight) };
  // `on` binds the repository to a manager; revokeAllOf must be called on the bound one.
  const bound = { revokeAllOf: jest.fn().mockResolvedValue(undefined) };
  const sessions = { on: jest.fn().mockReturnValue(bound) };
  const mails = {
    queueVerification: jest.fn().mockResolvedValue(true),
    queueEmailChange: jest.fn().mockResolvedValue(true),
    voidPasswordLinks: jest.fn().mockResolvedValue(undefined),
    voidAddressLinks: jest.fn().mockResolvedValue(undefined),
    voidAllLinks: jest.fn().mockResolvedValue(undefined),
    queueEmailChangedNotice: jest.fn().mockResolvedValue(true),
    queueInvitation: jest.fn().mockResolvedValue(true),
  };
  const security = new AuthAccountSecurity(
    passwords as unknown as PasswordService,
    attempts,
    sessions as unknown as SessionsRepository,
    mails as unknown as EmailLinkMails,
  );
  return { security, attempts, passwords, sessions, bound, mails };
}

/** What a login with `name` from `address` meets now: the lock's code, or 'open'. */
async function loginMeets(attempts: MemoryLoginAttempts, name: string, address = HOME): Promise<string> {
  try {
    await (await attempts.begin([name], address)).abandon();
    return 'open';
  } catch (error) {
    return (error as ProblemException).code;
  }
}

describe('AuthAccountSecurity.verifyPassword', () => {
  it('checks the password and answers nothing when it is right', async () => {
    const { security, passwords } = setup();
    await expect(security.verifyPassword(JANE, 'correct horse', HOME)).resolves.toBeUndefined();
    expect(passwords.verify).toHaveBeenCalledWith('correct horse', 'stored-hash');
  });

  it("answers a wrong one 401 INVALID_CREDENTIALS, counted on both of the account's names from that address", async () => {
    const { security, attempts } = setup(false);
    for (let i = 0; i < ATTEMPTS_CONFIG.bruteForce.maxLoginFailures; i++) {
      const thrown = await problemFrom(security.verifyPassword(JANE, 'wrong', HOME));
      expect([thrown.getStatus(), thrown.code]).toEqual([401, ErrorCode.INVALID_CREDENTIALS]);
    }
    expect(await loginMeets(attempts, 'jane@example.com')).toBe(ErrorCode.ACCOUNT_LOCKED);
    expect(await loginMeets(attempts, 'JANE_1')).toBe(ErrorCode.ACCOUNT_LOCKED);
    expect(await loginMeets(attempts, 'jane_1', '203.0.113.9')).toBe('open');
  });

  it('answers 429 ACCOUNT_LOCKED without checking the password while a name is locked', async () => {
    const { security, attempts, passwords } = setup(true);
    for (let i = 0; i < ATTEMPTS_CONFIG.bruteForce.maxLoginFailures; i++) await (await attempts.begin(['jane_1'], HOME)).failed();
    const thrown = await problemFrom(security.verifyPassword(JANE, 'correct horse', HOME));
    expect([thrown.getStatus(), thrown.code, thrown.headers]).toEqual([429, ErrorCode.ACCOUNT_LOCKED, { 'Retry-After': '1' }]);
    expect(passwords.verify).not.toHaveBeenCalled();
  });

  it('forgets earlier wrong passwords after a right one', async () => {
    const { security, attempts, passwords } = setup(false);
    await problemFrom(security.verifyPassword(JANE, 'wrong', HOME));
    await problemFrom(security.verifyPassword(JANE, 'wrong', HOME));
    passwords.verify.mockResolvedValueOnce(true);
    await security.verifyPassword(JANE, 'right', HOME);
    await problemFrom(security.verifyPassword(JANE, 'wrong', HOME));
    await problemFrom(security.verifyPassword(JANE, 'wrong', HOME));
    expect(await loginMeets(attempts, 'jane_1')).toBe('open');
  });

  it('gives its place back when the check itself fails, counting nothing', async () => {
    const { security, attempts, passwords } = setup();
    passwords.verify.mockRejectedValue(new Error('bcrypt failed'));
    for (let i = 0; i < 5; i++) await expect(security.verifyPassword(JANE, 'any', HOME)).rejects.toThrow('bcrypt failed');
    expect(await loginMeets(attempts, 'jane_1')).toBe('open');
  });
});

describe('AuthAccountSecurity.liftLockout', () => {
  it("clears both of the account's names, from every address", async () => {
    const { security, attempts } = setup();
    for (const address of [HOME, '203.0.113.9']) {
      for (let i = 0; i < 3; i++) await (await attempts.begin(['jane@example.com', 'jane_1'], address)).failed();
    }
    await security.liftLockout({ email: JANE.email, username: JANE.username });
    expect(await loginMeets(attempts, 'jane@example.com')).toBe('open');
    expect(await loginMeets(attempts, 'jane_1', '203.0.113.9')).toBe('open');
  });
});

describe('AuthAccountSecurity.endSessions', () => {
  it("revokes all the user's sessions in the given transaction", async () => {
    const { security, sessions, bound } = setup();
    await security.endSessions(TRANSACTION_MANAGER, JANE.id);
    expect(sessions.on).toHaveBeenCalledWith(TRANSACTION_MANAGER);
    expect(bound.revokeAllOf).toHaveBeenCalledWith(JANE.id, { exceptSessionId: undefined });
  });

  it('keeps the given session, in the given transaction', async () => {
    const { security, sessions, bound } = setup();
    await security.endSessions(TRANSACTION_MANAGER, JANE.id, SESSION_ID);
    expect(sessions.on).toHaveBeenCalledWith(TRANSACTION_MANAGER);
    expect(bound.revokeAllOf).toHaveBeenCalledWith(JANE.id, { exceptSessionId: SESSION_ID });
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

  it("voids the old address's links when the owner's change is made, and mails nothing more", async () => {
    const { security, mails } = setup();
    await security.emailChanged(TRANSACTION_MANAGER, JANE, 'old@example.com', false);
    expect(mails.voidAddressLinks).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE.id);
    expect(mails.queueVerification).not.toHaveBeenCalled();
    expect(mails.queueEmailChangedNotice).not.toHaveBeenCalled();
  });

  it("voids every link, asks the new address to prove itself and tells the old one, when an administrator changes it", async () => {
    const { security, mails } = setup();
    await security.emailChanged(TRANSACTION_MANAGER, JANE, 'old@example.com', true);
    expect(mails.voidAllLinks).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE.id);
    expect(mails.queueVerification).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE);
    expect(mails.queueEmailChangedNotice).toHaveBeenCalledWith(TRANSACTION_MANAGER, JANE, 'old@example.com');
  });

  it('invites an account without a password anew at the address an administrator set', async () => {
    const { security, mails } = setup();
    const invited = { ...JANE, password_hash: null } as User;
    await security.emailChanged(TRANSACTION_MANAGER, invited, 'typo@example.com', true);
    expect(mails.queueInvitation).toHaveBeenCalledWith(TRANSACTION_MANAGER, invited);
    expect(mails.queueVerification).not.toHaveBeenCalled();
  });

  it('refuses an owner\'s change with 429 when the mail budget refuses its mails, and an invitation alike', async () => {
    const { security, mails } = setup();
    mails.queueEmailChange.mockResolvedValueOnce(false);
    expect((await problemFrom(security.emailChangeRequested(TRANSACTION_MANAGER, JANE, 'new@example.com'))).code).toBe(ErrorCode.RATE_LIMITED);
    mails.queueInvitation.mockResolvedValueOnce(false);
    const invited = { ...JANE, password_hash: null } as User;
    expect((await problemFrom(security.accountCreated(TRANSACTION_MANAGER, invited))).code).toBe(ErrorCode.RATE_LIMITED);
  });

  it("voids the account's reset and invitation links when its password changes", async () => {
    const { security, mails } = setup();
    await security.passwordChanged(TRANSACTION_MANAGER, 7);
    expect(mails.voidPasswordLinks).toHaveBeenCalledWith(TRANSACTION_MANAGER, 7);
  });
});
