import { generateKeyPairSync } from 'node:crypto';
import { durationMilliseconds, durationSeconds, parseEnvironment } from './environment';

/** The message parseEnvironment throws for `raw`, checked to be one line. */
function refusal(raw: NodeJS.ProcessEnv): string {
  try {
    parseEnvironment(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const { message } = error as Error;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`parseEnvironment accepted ${JSON.stringify(raw)}`);
}

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db/app',
  JWT_SECRET: 's'.repeat(32),
  MFA_ENCRYPTION_KEY: 'm'.repeat(32),
  MAIL_TRANSPORT: 'smtp://mail.example.com:587',
  PUBLIC_URL: 'https://accounts.example.com',
};

describe('parseEnvironment', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = parseEnvironment({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATA_DIR: './data',
      JWT_EXPIRES_IN: '15m',
      REFRESH_EXPIRES_IN: '7d',
      JWT_ISSUER: 'user-accounts',
      JWT_AUDIENCE: 'user-accounts',
      BCRYPT_ROUNDS: 12,
      SWAGGER_ENABLED: true,
      LOG_LEVEL: 'info',
      RATE_LIMIT_AUTH_PER_MINUTE: 20,
      LOGIN_MAX_FAILURES: 5,
      LOCKOUT_MINUTES: 15,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.JWT_SECRET).toBeUndefined();
  });

  it('treats an empty string as unset', () => {
    expect(parseEnvironment({ PORT: '', BCRYPT_ROUNDS: '' })).toMatchObject({ PORT: 3000, BCRYPT_ROUNDS: 12 });
  });

  it('ignores variables it does not know', () => {
    expect(() => parseEnvironment({ PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });

  it('parses numbers and booleans from their string form', () => {
    const env = parseEnvironment({ PORT: '8080', BCRYPT_ROUNDS: '4', SWAGGER_ENABLED: 'false' });
    expect(env.PORT).toBe(8080);
    expect(env.BCRYPT_ROUNDS).toBe(4);
    expect(env.SWAGGER_ENABLED).toBe(false);
    expect(parseEnvironment({ SWAGGER_ENABLED: 'true' }).SWAGGER_ENABLED).toBe(true);
  });

  it('parses the brute-force limits from their string form', () => {
    expect(
      parseEnvironment({ RATE_LIMIT_AUTH_PER_MINUTE: '100', LOGIN_MAX_FAILURES: '3', LOCKOUT_MINUTES: '1' }),
    ).toMatchObject({ RATE_LIMIT_AUTH_PER_MINUTE: 100, LOGIN_MAX_FAILURES: 3, LOCKOUT_MINUTES: 1 });
  });

  it('parses the purge settings: every hour, 1000 rows a batch, mail kept 7 days; 0 turns the purge off', () => {
    expect(parseEnvironment({})).toMatchObject({ PURGE_INTERVAL_SECONDS: 3600, PURGE_BATCH_SIZE: 1000, MAIL_RETENTION_DAYS: 7 });
    expect(
      parseEnvironment({ PURGE_INTERVAL_SECONDS: '0', PURGE_BATCH_SIZE: '50', MAIL_RETENTION_DAYS: '30' }),
    ).toMatchObject({ PURGE_INTERVAL_SECONDS: 0, PURGE_BATCH_SIZE: 50, MAIL_RETENTION_DAYS: 30 });
    // The longest wait setTimeout keeps: 24.8 days.
    expect(parseEnvironment({ PURGE_INTERVAL_SECONDS: '2147483' }).PURGE_INTERVAL_SECONDS).toBe(2_147_483);
  });

  describe('HOST', () => {
    it('is every IPv4 interface by default', () => {
      expect(parseEnvironment({}).HOST).toBe('0.0.0.0');
    });

    it.each(['127.0.0.1', '::', '::1', 'fd00::5', 'localhost', 'api-1.internal', 'accounts.example.com'])('accepts HOST=%s', (host) => {
      expect(parseEnvironment({ HOST: host }).HOST).toBe(host);
    });

    it.each(['http://localhost', 'local host', '10.0.0.1:3000', '-bad.example.com', 'host_name'])('refuses HOST=%s', (host) => {
      expect(refusal({ HOST: host })).toBe('Invalid environment: HOST must be an IP address or a host name');
    });
  });

  describe('the HTTP server limits', () => {
    it('gives 20 s for headers, 5 minutes for a request, 60 s of silence, and caps connections at 800, 100 from one address', () => {
      expect(parseEnvironment({})).toMatchObject({
        HTTP_HEADERS_TIMEOUT: '20s',
        HTTP_REQUEST_TIMEOUT: '5m',
        HTTP_IDLE_TIMEOUT: '60s',
        HTTP_MAX_CONNECTIONS: 800,
        HTTP_MAX_CONNECTIONS_PER_ADDRESS: 100,
      });
    });

    it('takes timeouts in the format of the other durations, from a second', () => {
      expect(
        parseEnvironment({ HTTP_HEADERS_TIMEOUT: '1s', HTTP_REQUEST_TIMEOUT: '1500ms', HTTP_IDLE_TIMEOUT: '2m' }),
      ).toMatchObject({ HTTP_HEADERS_TIMEOUT: '1s', HTTP_REQUEST_TIMEOUT: '1500ms', HTTP_IDLE_TIMEOUT: '2m' });
    });

    it.each(['HTTP_HEADERS_TIMEOUT', 'HTTP_REQUEST_TIMEOUT', 'HTTP_IDLE_TIMEOUT'])('refuses %s under a second, over 24 days, or not a duration', (name) => {
      expect(refusal({ [name]: '999ms' })).toBe(`Invalid environment: ${name} must be at least one second`);
      expect(refusal({ [name]: '0' })).toBe(`Invalid environment: ${name} must be at least one second`);
      // Node's timers take at most 2^31 - 1 ms.
      expect(refusal({ [name]: '25d', HTTP_REQUEST_TIMEOUT: '25d' })).toMatch(/must be at most 24 days$/);
      expect(refusal({ [name]: 'soon' })).toMatch(new RegExp(`^Invalid environment: ${name} must be a duration`));
    });

    it('refuses headers that may take longer than the whole request, as Node would', () => {
      expect(refusal({ HTTP_HEADERS_TIMEOUT: '2m', HTTP_REQUEST_TIMEOUT: '1m' })).toBe(
        'Invalid environment: HTTP_HEADERS_TIMEOUT must not be longer than HTTP_REQUEST_TIMEOUT',
      );
      expect(() => parseEnvironment({ HTTP_HEADERS_TIMEOUT: '1m', HTTP_REQUEST_TIMEOUT: '60s' })).not.toThrow();
    });

    it('refuses a cap per address above the cap in all, or under one connection', () => {
      expect(refusal({ HTTP_MAX_CONNECTIONS: '50' })).toBe(
        'Invalid environment: HTTP_MAX_CONNECTIONS_PER_ADDRESS must not be more than HTTP_MAX_CONNECTIONS',
      );
      expect(parseEnvironment({ HTTP_MAX_CONNECTIONS: '50', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '50' })).toMatchObject({
        HTTP_MAX_CONNECTIONS: 50,
        HTTP_MAX_CONNECTIONS_PER_ADDRESS: 50,
      });
      expect(refusal({ HTTP_MAX_CONNECTIONS: '0' })).toMatch(/^Invalid environment: HTTP_MAX_CONNECTIONS\b/);
      expect(refusal({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' })).toMatch(/^Invalid environment: HTTP_MAX_CONNECTIONS_PER_ADDRESS\b/);
      expect(refusal({ HTTP_MAX_CONNECTIONS: 'many' })).toMatch(/^Invalid environment: HTTP_MAX_CONNECTIONS\b/);
    });
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(parseEnvironment({ DATABASE_URL: 'postgres://h/db' }).DATABASE_URL).toBe('postgres://h/db');
    expect(parseEnvironment({ DATABASE_URL: 'postgresql://h/db' }).DATABASE_URL).toBe('postgresql://h/db');
  });

  it('accepts redis:// and rediss:// URLs', () => {
    expect(parseEnvironment({ REDIS_URL: 'redis://cache:6379' }).REDIS_URL).toBe('redis://cache:6379');
    expect(parseEnvironment({ REDIS_URL: 'rediss://user:pw@cache:6380/1' }).REDIS_URL).toBe(
      'rediss://user:pw@cache:6380/1',
    );
    expect(parseEnvironment({}).REDIS_URL).toBeUndefined();
    expect(parseEnvironment({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  it.each(['http://cache:6379', 'cache:6379', 'redis:/cache', 'postgres://h/db'])(
    'refuses REDIS_URL=%s as no redis:// or rediss:// URL',
    (url) => {
      expect(refusal({ REDIS_URL: url })).toBe('Invalid environment: REDIS_URL must be a redis:// or rediss:// URL');
    },
  );

  it('keeps JWT_ISSUER and JWT_AUDIENCE as given, an empty one being the default', () => {
    expect(parseEnvironment({ JWT_ISSUER: 'https://accounts.example.com', JWT_AUDIENCE: 'shop-api' })).toMatchObject({
      JWT_ISSUER: 'https://accounts.example.com',
      JWT_AUDIENCE: 'shop-api',
    });
    expect(parseEnvironment({ JWT_ISSUER: '', JWT_AUDIENCE: '' })).toMatchObject({
      JWT_ISSUER: 'user-accounts',
      JWT_AUDIENCE: 'user-accounts',
    });
  });

  describe('access token and session lifetimes', () => {
    it.each([
      ['8d', undefined],
      ['2h', '1h'],
      ['61', '1m'],
      ['15m', '899'],
    ])('refuses JWT_EXPIRES_IN=%s with REFRESH_EXPIRES_IN=%s: the access token would outlive its session', (jwt, refresh) => {
      expect(refusal({ JWT_EXPIRES_IN: jwt, REFRESH_EXPIRES_IN: refresh })).toBe(
        'Invalid environment: JWT_EXPIRES_IN must not be longer than REFRESH_EXPIRES_IN',
      );
    });

    it.each([
      ['7d', undefined],
      ['1h', '60m'],
      ['15m', '900'],
      ['1s', '1s'],
      ['15m', '16m'],
    ])('accepts JWT_EXPIRES_IN=%s with REFRESH_EXPIRES_IN=%s: no longer than the session', (jwt, refresh) => {
      expect(() => parseEnvironment({ JWT_EXPIRES_IN: jwt, REFRESH_EXPIRES_IN: refresh })).not.toThrow();
    });
  });

  it('keeps TRUST_PROXY and CORS_ORIGINS as given, TRUST_PROXY being "false" by default', () => {
    expect(parseEnvironment({}).TRUST_PROXY).toBe('false');
    expect(parseEnvironment({}).CORS_ORIGINS).toBeUndefined();
    expect(parseEnvironment({ TRUST_PROXY: '10.0.0.1', CORS_ORIGINS: 'https://a.example' })).toMatchObject({
      TRUST_PROXY: '10.0.0.1',
      CORS_ORIGINS: 'https://a.example',
    });
  });

  it.each([
    ['BCRYPT_ROUNDS', '3'],
    ['BCRYPT_ROUNDS', '16'],
    ['BCRYPT_ROUNDS', '12.5'],
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://x'],
    ['JWT_EXPIRES_IN', '15 minutes'],
    ['REFRESH_EXPIRES_IN', '7w'],
    ['JWT_EXPIRES_IN', '0'],
    ['JWT_EXPIRES_IN', '500ms'],
    ['SWAGGER_ENABLED', 'yes'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['RATE_LIMIT_AUTH_PER_MINUTE', '0'],
    ['RATE_LIMIT_AUTH_PER_MINUTE', 'many'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_MAX_FAILURES', '2.5'],
    ['LOCKOUT_MINUTES', '0'],
    ['LOCKOUT_MINUTES', '-5'],
    ['REDIS_URL', 'http://cache:6379'],
    ['PURGE_INTERVAL_SECONDS', '-1'],
    ['PURGE_INTERVAL_SECONDS', '1h'],
    ['PURGE_INTERVAL_SECONDS', '2147484'],
    ['PURGE_BATCH_SIZE', '0'],
    ['PURGE_BATCH_SIZE', '100001'],
    ['MAIL_RETENTION_DAYS', '0'],
    ['MAIL_RETENTION_DAYS', '1.5'],
    ['JWT_ALGORITHM', 'RS256'],
    ['JWT_ALGORITHM', 'none'],
    ['JWT_ALGORITHM', 'eddsa'],
    ['JWT_PRIVATE_KEYS', 'not a key'],
    ['JWKS_MAX_AGE', '0s'],
    ['JWKS_MAX_AGE', '2d'],
    ['JWKS_MAX_AGE', 'five minutes'],
  ])('refuses %s=%s with a one-line message naming it', (name, value) => {
    expect(refusal({ [name]: value })).toMatch(new RegExp(`^Invalid environment: ${name}\\b`));
  });

  describe('signing: JWT_ALGORITHM, JWT_PRIVATE_KEYS, JWT_SECRET', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

    it('takes EdDSA and ES256 without a secret or a key (keys of the database), HS256 only with JWT_SECRET', () => {
      expect(parseEnvironment({ JWT_ALGORITHM: 'ES256' }).JWT_ALGORITHM).toBe('ES256');
      expect(parseEnvironment({}).JWT_ALGORITHM).toBeUndefined();
      expect(refusal({ JWT_ALGORITHM: 'HS256' })).toMatch(/JWT_ALGORITHM HS256 needs JWT_SECRET/);
      expect(parseEnvironment({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 's'.repeat(32) }).JWT_ALGORITHM).toBe('HS256');
    });

    it('refuses HS256 with keys, and a first key of another algorithm than JWT_ALGORITHM', () => {
      expect(refusal({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 's'.repeat(32), JWT_PRIVATE_KEYS: JSON.stringify(ed) })).toMatch(/leave JWT_PRIVATE_KEYS unset/);
      expect(refusal({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEYS: JSON.stringify([ed, ec]) })).toMatch(/first key of JWT_PRIVATE_KEYS is EdDSA, not JWT_ALGORITHM ES256/);
      expect(() => parseEnvironment({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEYS: JSON.stringify([ec, ed]) })).not.toThrow();
      expect(() => parseEnvironment({ JWT_PRIVATE_KEYS: JSON.stringify([ec]) })).not.toThrow();
    });
  });

  describe('in production', () => {
    it('starts with DATABASE_URL and a 32-byte JWT_SECRET', () => {
      expect(parseEnvironment(PRODUCTION).NODE_ENV).toBe('production');
    });

    it('refuses a missing DATABASE_URL', () => {
      expect(refusal({ ...PRODUCTION, DATABASE_URL: undefined })).toContain('DATABASE_URL');
      expect(refusal({ ...PRODUCTION, DATABASE_URL: '' })).toContain('DATABASE_URL');
    });

    it('refuses a missing PUBLIC_URL where no APP_URL is set: the links in mails would open localhost', () => {
      expect(refusal({ ...PRODUCTION, PUBLIC_URL: undefined })).toContain('PUBLIC_URL');
      expect(() => parseEnvironment({ ...PRODUCTION, PUBLIC_URL: undefined, APP_URL: 'https://app.example.com' })).not.toThrow();
      expect(() => parseEnvironment({ ...PRODUCTION, NODE_ENV: 'development', PUBLIC_URL: undefined })).not.toThrow();
    });

    it('refuses a missing MAIL_TRANSPORT: mail goes to a server, or to the log on purpose', () => {
      expect(refusal({ ...PRODUCTION, MAIL_TRANSPORT: undefined })).toContain('MAIL_TRANSPORT');
      expect(() => parseEnvironment({ ...PRODUCTION, MAIL_TRANSPORT: 'log' })).not.toThrow();
    });

    it('refuses a missing JWT_SECRET', () => {
      expect(refusal({ ...PRODUCTION, JWT_SECRET: undefined })).toContain('JWT_SECRET');
    });

    it('refuses a missing or short MFA_ENCRYPTION_KEY: second-factor secrets would be sealed with a key everyone knows', () => {
      expect(refusal({ ...PRODUCTION, MFA_ENCRYPTION_KEY: undefined })).toContain('MFA_ENCRYPTION_KEY');
      expect(refusal({ ...PRODUCTION, MFA_ENCRYPTION_KEY: 'm'.repeat(31) })).toContain('MFA_ENCRYPTION_KEY');
    });

    it('counts JWT_SECRET in bytes: 31 refused, 32 accepted', () => {
      expect(refusal({ ...PRODUCTION, JWT_SECRET: 's'.repeat(31) })).toContain('JWT_SECRET');
      // 16 characters, 31 bytes
      expect(refusal({ ...PRODUCTION, JWT_SECRET: 'é'.repeat(15) + 's' })).toContain('JWT_SECRET');
      // 16 characters, 32 bytes
      expect(() => parseEnvironment({ ...PRODUCTION, JWT_SECRET: 'é'.repeat(16) })).not.toThrow();
    });

    it('does not apply the production rules in development', () => {
      expect(() => parseEnvironment({ JWT_SECRET: 'short' })).not.toThrow();
    });
  });

  it.each([['WEBAUTHN_ORIGINS', 'https://a.example.com/path'], ['WEBAUTHN_ORIGINS', 'a.example.com'], ['WEBAUTHN_RP_ID', 'https://example.com'], ['WEBAUTHN_RP_ID', 'Example.com']])(
    'refuses %s=%s',
    (name, value) => {
      expect(refusal({ [name]: value })).toMatch(new RegExp(`^Invalid environment: ${name}\\b`));
    },
  );

  it('names the first rule broken, as written: a PORT that is no number is not "too large"', () => {
    expect(refusal({ PORT: 'abc' })).toBe('Invalid environment: PORT must be an integer number');
  });

  it.each(['1', 'yes', '10.0.0.1,nonsense', '10.0.0.0/33', '::1/129', '10.0.0.1/8/9'])(
    'refuses TRUST_PROXY=%s: only true, false or addresses and CIDR ranges',
    (value) => {
      expect(refusal({ TRUST_PROXY: value })).toMatch(/^Invalid environment: TRUST_PROXY/);
    },
  );

  it.each(['true', 'false', '127.0.0.1', '10.0.0.0/8, 192.168.1.1', '::1, fd00::/8'])('accepts TRUST_PROXY=%s', (value) => {
    expect(parseEnvironment({ TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
  });

  describe('ADMIN_EMAIL', () => {
    it('is refused without ADMIN_PASSWORD', () => {
      expect(refusal({ ADMIN_EMAIL: 'admin@example.com' })).toContain('ADMIN_PASSWORD');
    });

    it('is required by ADMIN_PASSWORD', () => {
      expect(refusal({ ADMIN_PASSWORD: 'admin-password-1' })).toBe(
        'Invalid environment: ADMIN_EMAIL must be set with ADMIN_PASSWORD',
      );
    });

    it.each([
      ['7 bytes', 'x'.repeat(7)],
      ['73 bytes', 'é'.repeat(36) + 'x'],
    ])('is refused with an ADMIN_PASSWORD of %s', (_label, password) => {
      expect(refusal({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: password })).toContain(
        'ADMIN_PASSWORD',
      );
    });

    it.each([
      ['8 bytes', 'x'.repeat(8)],
      ['72 bytes', 'é'.repeat(36)],
    ])('is accepted with an ADMIN_PASSWORD of %s', (_label, password) => {
      expect(() => parseEnvironment({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: password })).not.toThrow();
    });
  });
});

describe('durationSeconds', () => {
  it.each([
    ['15m', 900],
    ['7d', 604_800],
    ['2h', 7200],
    ['45s', 45],
    ['90', 90],
    ['1500ms', 1],
  ])('%s is %d seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each([
    ['20s', 20_000],
    ['5m', 300_000],
    ['1500ms', 1_500],
    ['90', 90_000],
  ])('%s is %d milliseconds', (text, ms) => {
    expect(durationMilliseconds(text)).toBe(ms);
  });
});
