import { AppConfig } from './app-config';

describe('AppConfig.fromEnvironment', () => {
  it('derives the defaults: port 3000, 12 bcrypt rounds, tokens of 900 s and 7 days', () => {
    const config = AppConfig.fromEnvironment({});
    expect(config.production).toBe(false);
    expect(config.port).toBe(3000);
    expect(config.bcryptRounds).toBe(12);
    expect(config.jwt.expiresInSeconds).toBe(900);
    expect(config.jwt.refreshExpiresInSeconds).toBe(7 * 24 * 3600);
    expect(config.database).toEqual({ url: undefined, dataDir: './data' });
    expect(config.swaggerEnabled).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.admin).toBeUndefined();
    expect(config.bruteForce).toEqual({ authRequestsPerMinute: 20, maxLoginFailures: 5, lockoutSeconds: 900 });
  });

  it('converts LOCKOUT_MINUTES to seconds and keeps the other brute-force limits', () => {
    const config = AppConfig.fromEnvironment({
      RATE_LIMIT_AUTH_PER_MINUTE: '7',
      LOGIN_MAX_FAILURES: '3',
      LOCKOUT_MINUTES: '2',
    });
    expect(config.bruteForce).toEqual({ authRequestsPerMinute: 7, maxLoginFailures: 3, lockoutSeconds: 120 });
  });

  it('converts the configured lifetimes to seconds', () => {
    const config = AppConfig.fromEnvironment({ JWT_EXPIRES_IN: '1h', REFRESH_EXPIRES_IN: '30d' });
    expect(config.jwt.expiresInSeconds).toBe(3600);
    expect(config.jwt.refreshExpiresInSeconds).toBe(30 * 86_400);
  });

  it('generates a random secret of at least 32 bytes when JWT_SECRET is unset', () => {
    const first = AppConfig.fromEnvironment({});
    const second = AppConfig.fromEnvironment({});
    expect(first.jwt.secretGenerated).toBe(true);
    expect(Buffer.byteLength(first.jwt.secret)).toBeGreaterThanOrEqual(32);
    expect(first.jwt.secret).not.toBe(second.jwt.secret);
  });

  it('uses JWT_SECRET when set', () => {
    const config = AppConfig.fromEnvironment({ JWT_SECRET: 'given-secret' });
    expect(config.jwt).toMatchObject({ secret: 'given-secret', secretGenerated: false });
  });

  it('exposes the admin to seed only when ADMIN_EMAIL and ADMIN_PASSWORD are both set', () => {
    const config = AppConfig.fromEnvironment({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'long enough' });
    expect(config.admin).toEqual({ email: 'root@example.com', password: 'long enough' });
  });

  it('flags production and keeps its database URL', () => {
    const config = AppConfig.fromEnvironment({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      JWT_SECRET: 'k'.repeat(32),
    });
    expect(config.production).toBe(true);
    expect(config.database.url).toBe('postgres://db/app');
  });

  it('refuses an invalid environment instead of starting', () => {
    expect(() => AppConfig.fromEnvironment({ BCRYPT_ROUNDS: '3' })).toThrow(/BCRYPT_ROUNDS/);
    expect(() => AppConfig.fromEnvironment({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL/);
  });
});
