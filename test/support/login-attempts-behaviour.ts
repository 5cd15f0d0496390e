import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../../src/config/app-config';
import { ErrorCode } from '../../src/common/problems/error-code.enum';
import { ProblemException } from '../../src/common/problems/problem.exception';
import type { LoginAttempt, LoginAttempts } from '../../src/auth/lockout/login-attempts';

/** The settings these tests run with: 3 from one address, 6 from anywhere, locks of one second. */
export const ATTEMPTS_CONFIG = {
  bruteForce: { maxLoginFailures: 3, maxNameWideFailures: 6, lockoutSeconds: 1 },
} as AppConfig;

const HOME = '198.51.100.1';
const STRANGER = '203.0.113.9';

/** What `begin` answered: the attempt, or the refusal's code and Retry-After. */
async function tryBegin(attempts: LoginAttempts, names: string[], address: string): Promise<LoginAttempt | string> {
  try {
    return await attempts.begin(names, address);
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return `${error.code} ${error.headers['Retry-After']}`;
  }
}

/** `count` wrong passwords, one after the other. */
async function fail(attempts: LoginAttempts, name: string, address: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await (await attempts.begin([name], address)).failed();
}

const LOCKED = `${ErrorCode.ACCOUNT_LOCKED} 1`;

/**
 * What every LoginAttempts store must do, whatever keeps its counts: run by
 * memory-login-attempts.spec.ts and, on a real Redis, by test/servers/redis-login-attempts.e2e-spec.ts.
 * `make` builds a fresh store with ATTEMPTS_CONFIG.
 */
export function behavesAsLoginAttempts(make: () => LoginAttempts | Promise<LoginAttempts>): void {
  let attempts: LoginAttempts;
  beforeEach(async () => {
    attempts = await make();
  });

  it('checks LOGIN_MAX_FAILURES wrong passwords from one address, then locks the name for that address alone', async () => {
    await fail(attempts, 'jane', HOME, 3);
    expect(await tryBegin(attempts, ['jane'], HOME)).toBe(LOCKED);
    // Another address, and another name from the same address, are not locked.
    await (await attempts.begin(['jane'], STRANGER)).succeeded();
    await (await attempts.begin(['joe'], HOME)).abandon();
  });

  it('locks the name everywhere after LOGIN_MAX_FAILURES_NAME_WIDE wrong passwords from any addresses', async () => {
    await fail(attempts, 'jane', '192.0.2.1', 2);
    await fail(attempts, 'jane', '192.0.2.2', 2);
    await fail(attempts, 'jane', '192.0.2.3', 2);
    expect(await tryBegin(attempts, ['jane'], '192.0.2.4')).toBe(LOCKED);
    expect(await tryBegin(attempts, ['jane'], HOME)).toBe(LOCKED);
  });

  it('ends a lock after LOCKOUT_MINUTES, and starts the count again', async () => {
    await fail(attempts, 'jane', HOME, 3);
    expect(await tryBegin(attempts, ['jane'], HOME)).toBe(LOCKED);
    await sleep(1_100);
    await fail(attempts, 'jane', HOME, 2);
    await (await attempts.begin(['jane'], HOME)).abandon();
  });

  it('forgets wrong passwords after a right one, for the name and the other names given', async () => {
    await fail(attempts, 'jane', HOME, 2);
    await fail(attempts, 'jane@example.com', HOME, 2);
    await (await attempts.begin(['jane'], HOME)).succeeded(['jane@example.com']);
    await fail(attempts, 'jane', HOME, 2);
    await fail(attempts, 'jane@example.com', HOME, 2);
    await (await attempts.begin(['jane'], HOME)).abandon();
    await (await attempts.begin(['jane@example.com'], HOME)).abandon();
  });

  it("lifts the lock of the account's other names when the password is proved through one", async () => {
    await fail(attempts, 'jane@example.com', HOME, 3);
    expect(await tryBegin(attempts, ['jane@example.com'], HOME)).toBe(LOCKED);
    await (await attempts.begin(['jane'], HOME)).succeeded(['jane@example.com']);
    await (await attempts.begin(['jane@example.com'], HOME)).abandon();
  });

  it('counts nothing for an abandoned attempt', async () => {
    for (let i = 0; i < 5; i++) await (await attempts.begin(['jane'], HOME)).abandon();
    await fail(attempts, 'jane', HOME, 2);
    await (await attempts.begin(['jane'], HOME)).abandon();
  });

  it('counts an attempt on several names on each, and answers the lock of any', async () => {
    await fail(attempts, 'jane@example.com', HOME, 3);
    expect(await tryBegin(attempts, ['jane', 'jane@example.com'], HOME)).toBe(LOCKED);
    const both = await attempts.begin(['jane', 'jane@example.com'], STRANGER);
    await both.failed();
    await fail(attempts, 'jane', STRANGER, 2);
    expect(await tryBegin(attempts, ['jane'], STRANGER)).toBe(LOCKED);
  });

  it('forgets every count of a name, from every address, when cleared', async () => {
    await fail(attempts, 'jane', HOME, 3);
    await fail(attempts, 'jane', STRANGER, 3);
    await attempts.clear(['JANE']);
    await fail(attempts, 'jane', HOME, 2);
    await fail(attempts, 'jane', STRANGER, 2);
  });

  it('keys a name on its normalised text: case, fullwidth letters and the Kelvin sign count as one name', async () => {
    await fail(attempts, 'Kim', HOME, 1);
    await fail(attempts, 'ＫＩＭ', HOME, 1);
    await fail(attempts, '\u212Aim ', HOME, 1);
    expect(await tryBegin(attempts, ['kim'], HOME)).toBe(LOCKED);
  });

  it('lets no more than LOGIN_MAX_FAILURES of wrong guesses sent all at once be checked', async () => {
    let checked = 0;
    const guesses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const attempt = await tryBegin(attempts, ['jane'], HOME);
        if (typeof attempt === 'string') return attempt;
        checked += 1;
        await sleep(20);
        await attempt.failed();
        return 'checked';
      }),
    );
    expect(checked).toBe(3);
    expect(guesses.filter((answer) => answer === LOCKED)).toHaveLength(7);
  });

  it('never refuses right passwords sent all at once, more of them than the limit', async () => {
    const logins = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const attempt = await tryBegin(attempts, ['jane'], HOME);
        if (typeof attempt === 'string') return attempt;
        await sleep(20);
        await attempt.succeeded();
        return 'logged in';
      }),
    );
    expect(logins).toEqual(Array(10).fill('logged in'));
  });

  it('ends an attempt once: a second outcome counts nothing', async () => {
    const attempt = await attempts.begin(['jane'], HOME);
    await attempt.failed();
    await attempt.failed();
    await attempt.abandon();
    await fail(attempts, 'jane', HOME, 2);
    expect(await tryBegin(attempts, ['jane'], HOME)).toBe(LOCKED);
  });
}
