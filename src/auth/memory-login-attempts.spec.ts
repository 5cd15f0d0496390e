import type { AppConfig } from '../config/app-config';
import { LoginAttempts } from './login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';

const MAX_ATTEMPTS = 3;
const LOCKOUT_SECONDS = 60;
const T0 = 1_700_000_000_000;

function store() {
  const config = { bruteForce: { maxLoginFailures: MAX_ATTEMPTS, lockoutSeconds: LOCKOUT_SECONDS } } as AppConfig;
  return new MemoryLoginAttempts(config);
}

/**
 * Makes `count` attempts on `key`, one second apart from `start`; answers what each attempt
 * answered and when the last one was.
 */
async function attemptMany(
  attempts: MemoryLoginAttempts,
  key: string,
  count: number,
  start = T0,
): Promise<{ answers: number[]; last: number }> {
  const answers: number[] = [];
  let last = start;
  for (let i = 0; i < count; i++) {
    last = start + i * 1000;
    answers.push(await attempts.attempt(key, last));
  }
  return { answers, last };
}

/** Makes the maximum number of attempts on `key`, which locks it; answers when the last one was. */
async function lock(attempts: MemoryLoginAttempts, key: string, start = T0): Promise<number> {
  const { answers, last } = await attemptMany(attempts, key, MAX_ATTEMPTS, start);
  expect(answers).toEqual(Array(MAX_ATTEMPTS).fill(0));
  return last;
}

describe('MemoryLoginAttempts', () => {
  it('is a LoginAttempts', () => {
    expect(store()).toBeInstanceOf(LoginAttempts);
  });

  it('lets the first attempt on a key go ahead', async () => {
    await expect(store().attempt('user:1', T0)).resolves.toBe(0);
  });

  it('lets every attempt up to the maximum go ahead', async () => {
    const { answers } = await attemptMany(store(), 'user:1', MAX_ATTEMPTS);
    expect(answers).toEqual([0, 0, 0]);
  });

  it('does not lock before the maximum number of attempts', async () => {
    const attempts = store();
    const { last } = await attemptMany(attempts, 'user:1', MAX_ATTEMPTS - 1);
    // The attempt that reaches the maximum still goes ahead.
    await expect(attempts.attempt('user:1', last + 1000)).resolves.toBe(0);
  });

  it('locks for the lockout time, from the attempt that reached the maximum', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    await expect(attempts.attempt('user:1', last)).resolves.toBe(LOCKOUT_SECONDS);
    await expect(attempts.attempt('user:1', last + 20_000)).resolves.toBe(LOCKOUT_SECONDS - 20);
  });

  it('counts nothing while locked: attempts on a locked key do not push the lock further', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    for (let i = 0; i < 5; i++) await attempts.attempt('user:1', last + 10_000);
    await expect(attempts.attempt('user:1', last + 30_000)).resolves.toBe(LOCKOUT_SECONDS - 30);
    await expect(attempts.attempt('user:1', last + LOCKOUT_SECONDS * 1000)).resolves.toBe(0);
  });

  it('rounds the seconds left up, so that a lock never reads as 0 before it ends', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    await expect(attempts.attempt('user:1', last + 500)).resolves.toBe(LOCKOUT_SECONDS);
    await expect(attempts.attempt('user:1', last + LOCKOUT_SECONDS * 1000 - 1)).resolves.toBe(1);
  });

  it('ends the lock once the lockout time has passed, and starts the count again', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    const end = last + LOCKOUT_SECONDS * 1000;

    // The old attempts are gone: the maximum number go ahead again, and only then is it locked.
    const again = await attemptMany(attempts, 'user:1', MAX_ATTEMPTS, end);
    expect(again.answers).toEqual([0, 0, 0]);
    await expect(attempts.attempt('user:1', again.last)).resolves.toBe(LOCKOUT_SECONDS);
  });

  it('keeps each key apart', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    await expect(attempts.attempt('user:2', last)).resolves.toBe(0);
    await expect(attempts.attempt('login:user:1', last)).resolves.toBe(0);
    await expect(attempts.attempt('user:1', last)).resolves.toBe(LOCKOUT_SECONDS);
  });

  it('clear unlocks a locked key', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    await attempts.clear('user:1');
    await expect(attempts.attempt('user:1', last)).resolves.toBe(0);
  });

  it('clear forgets the attempts so far', async () => {
    const attempts = store();
    const { last } = await attemptMany(attempts, 'user:1', MAX_ATTEMPTS - 1);
    await attempts.clear('user:1');

    // Without the clear, the first of these would reach the maximum and the second be locked.
    const after = await attemptMany(attempts, 'user:1', MAX_ATTEMPTS - 1, last + 1000);
    expect(after.answers).toEqual([0, 0]);
  });

  it('clear leaves the other keys alone', async () => {
    const attempts = store();
    const last = await lock(attempts, 'user:1');
    await attempts.clear('user:2');
    await expect(attempts.attempt('user:1', last)).resolves.toBe(LOCKOUT_SECONDS);
  });

  it('clear of a key never seen does nothing', async () => {
    await expect(store().clear('user:1')).resolves.toBeUndefined();
  });

  it('forgets attempts older than the window', async () => {
    const attempts = store();
    const { last } = await attemptMany(attempts, 'user:1', MAX_ATTEMPTS - 1);
    const later = last + LOCKOUT_SECONDS * 1000;

    // Had the two been kept, the first of these would lock and the second be refused.
    await expect(attempts.attempt('user:1', later)).resolves.toBe(0);
    await expect(attempts.attempt('user:1', later + 1000)).resolves.toBe(0);
  });

  it('counts attempts within the window since the last one', async () => {
    const attempts = store();
    const { last } = await attemptMany(attempts, 'user:1', MAX_ATTEMPTS - 1);
    // More than the window after the first attempt, but within it after the last.
    const later = last + LOCKOUT_SECONDS * 1000 - 1;
    await expect(attempts.attempt('user:1', later)).resolves.toBe(0);
    await expect(attempts.attempt('user:1', later)).resolves.toBe(LOCKOUT_SECONDS);
  });

  it('lets no more than the maximum of attempts made all at once go ahead', async () => {
    const attempts = store();
    const answers = await Promise.all(Array.from({ length: 10 }, () => attempts.attempt('user:1', T0)));
    expect(answers.filter((answer) => answer === 0)).toHaveLength(MAX_ATTEMPTS);
    expect(answers.filter((answer) => answer === LOCKOUT_SECONDS)).toHaveLength(10 - MAX_ATTEMPTS);
  });

  it('uses the clock when no time is given', async () => {
    const attempts = store();
    for (let i = 0; i < MAX_ATTEMPTS; i++) await expect(attempts.attempt('user:1')).resolves.toBe(0);
    const left = await attempts.attempt('user:1');
    expect(left).toBeGreaterThan(LOCKOUT_SECONDS - 5);
    expect(left).toBeLessThanOrEqual(LOCKOUT_SECONDS);
  });
});
