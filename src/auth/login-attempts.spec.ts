import { MemoryLoginAttempts } from './memory-login-attempts';
import type { AppConfig } from '../config/app-config';
import { accountKeys, accountLocked, loginNameKey } from './login-attempts';

describe('login attempt keys', () => {
  it('names a login by its trimmed, NFKC, lower-cased text', () => {
    expect(loginNameKey('Jane.Doe@Example.COM')).toBe('login:jane.doe@example.com');
    expect(loginNameKey('JaneDoe')).toBe(loginNameKey('janedoe'));
    expect(loginNameKey(' ｊａｎｅ ')).toBe(loginNameKey('jane'));
  });

  it("names both of an account's logins", () => {
    expect(accountKeys({ email: 'jane@example.com', username: 'Jane_1' })).toEqual([
      'login:jane@example.com',
      'login:jane_1',
    ]);
  });
});

describe('LoginAttempts.attemptAll', () => {
  const config = { bruteForce: { maxLoginFailures: 2, lockoutSeconds: 60 } } as AppConfig;

  it('counts on every key and answers the longest lock', async () => {
    const attempts = new MemoryLoginAttempts(config);
    await attempts.attempt('a');
    await attempts.attempt('a');
    expect(await attempts.attempt('b')).toBe(0);
    expect(await attempts.attemptAll(['b', 'a'])).toBe(60);
    // b's second attempt was counted: it is locked now.
    expect(await attempts.attempt('b')).toBe(60);
    await attempts.clearAll(['a', 'b']);
    expect(await attempts.attemptAll(['a', 'b'])).toBe(0);
  });

  it('answers a lock as 429 ACCOUNT_LOCKED with Retry-After', () => {
    const problem = accountLocked(42);
    expect([problem.getStatus(), problem.code, problem.headers]).toEqual([429, 'ACCOUNT_LOCKED', { 'Retry-After': '42' }]);
  });
});
