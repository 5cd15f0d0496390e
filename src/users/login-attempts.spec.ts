import { accountKey, loginNameKey } from './login-attempts';

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
