import type { AppConfig } from '../config/app-config';
import { accountKey, LoginAttemptsService, loginNameKey } from './login-attempts.service';

const LOCKOUT_SECONDS = 60;
const T0 = 1_700_000_000_000;

function service() {
  const config = { bruteForce: { maxLoginFailures: 3, lockoutSeconds: LOCKOUT_SECONDS } } as AppConfig;
  return new LoginAttemptsService(config);
}

/** Records `count` failures for `key`, one second apart from `start`; returns when the last was. */
function fail(attempts: LoginAttemptsService, key: string, count: number, start = T0): number {
  let now = start;
  for (let i = 0; i < count; i++) {
    now = start + i * 1000;
    attempts.recordFailure(key, now);
  }
  return now;
}

describe('LoginAttemptsService', () => {
  it('does not lock a key that never failed', () => {
    expect(service().lockedFor('user:1', T0)).toBe(0);
  });

  it('does not lock before the maximum number of failures', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 2);
    expect(attempts.lockedFor('user:1', last)).toBe(0);
  });

  it('locks for the lockout time at the maximum number of failures', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 3);
    expect(attempts.lockedFor('user:1', last)).toBe(LOCKOUT_SECONDS);
    expect(attempts.lockedFor('user:1', last + 20_000)).toBe(LOCKOUT_SECONDS - 20);
  });

  it('rounds the seconds left up, so that a lock never reads as 0 before it ends', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 3);
    expect(attempts.lockedFor('user:1', last + LOCKOUT_SECONDS * 1000 - 1)).toBe(1);
  });

  it('ends the lock once the lockout time has passed, and starts the count again', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 3);
    const end = last + LOCKOUT_SECONDS * 1000;
    expect(attempts.lockedFor('user:1', end)).toBe(0);

    // The old failures are gone: two more do not lock again.
    fail(attempts, 'user:1', 2, end + 1000);
    expect(attempts.lockedFor('user:1', end + 3000)).toBe(0);
  });

  it('keeps each key apart', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 3);
    expect(attempts.lockedFor('user:2', last)).toBe(0);
    expect(attempts.lockedFor('login:user:1', last)).toBe(0);
  });

  it('clear unlocks a locked key', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 3);
    attempts.clear('user:1');
    expect(attempts.lockedFor('user:1', last)).toBe(0);
  });

  it('clear forgets the failures so far', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 2);
    attempts.clear('user:1');
    attempts.recordFailure('user:1', last + 1000);
    expect(attempts.lockedFor('user:1', last + 1000)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 2);
    const later = last + LOCKOUT_SECONDS * 1000;
    attempts.recordFailure('user:1', later);
    expect(attempts.lockedFor('user:1', later)).toBe(0);
  });

  it('counts failures within the window since the last one', () => {
    const attempts = service();
    const last = fail(attempts, 'user:1', 2);
    const later = last + LOCKOUT_SECONDS * 1000 - 1;
    attempts.recordFailure('user:1', later);
    expect(attempts.lockedFor('user:1', later)).toBe(LOCKOUT_SECONDS);
  });

  it('uses the clock when no time is given', () => {
    const attempts = service();
    for (let i = 0; i < 3; i++) attempts.recordFailure('user:1');
    const left = attempts.lockedFor('user:1');
    expect(left).toBeGreaterThan(LOCKOUT_SECONDS - 5);
    expect(left).toBeLessThanOrEqual(LOCKOUT_SECONDS);
  });
});

describe('login attempt keys', () => {
  it('names an account by its id', () => {
    expect(accountKey(42)).toBe('user:42');
  });

  it('names an unknown login by its lower-cased name', () => {
    expect(loginNameKey('Jane.Doe@Example.COM')).toBe('login:jane.doe@example.com');
    expect(loginNameKey('JaneDoe')).toBe(loginNameKey('janedoe'));
  });

  it('keeps the two kinds of key apart', () => {
    expect(loginNameKey('42')).not.toBe(accountKey(42));
  });
});
