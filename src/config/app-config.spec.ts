import { AppConfig, trustProxySetting } from './app-config';

describe('AppConfig.fromEnvironment', () => {
  it('derives the defaults: port 3000, 12 bcrypt rounds, tokens of 900 s and 7 days', () => {
    const config = AppConfig.fromEnvironment({});
    expect(config.production).toBe(false);
    expect(config.port).toBe(3000);
    expect(config.bcryptRounds).toBe(12);
    expect(config.jwt.expiresInSeconds).toBe(900);
    expect(config.jwt.refreshExpiresInSeconds).toBe(7 * 24 * 3600);
    expect(config.jwt).toMatchObject({ issuer: 'user-accounts', audience: 'user-accounts' });
    expect(config.database).toEqual({ url: undefined, dataDir: './data' });
    expect(config.swaggerEnabled).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.admin).toBeUndefined();
    expect(config.bruteForce).toEqual({ authRequestsPerMinute: 20, maxLoginFailures: 5, maxNameWideFailures: 50, lockoutSeconds: 900 });
    expect(config.redisUrl).toBeUndefined();
    expect(config.trustProxy).toBe(false);
    expect(config.corsOrigins).toBe(true);
  });

  it('converts LOCKOUT_MINUTES to seconds and keeps the other brute-force limits', () => {
    const config = AppConfig.fromEnvironment({
      RATE_LIMIT_AUTH_PER_MINUTE: '7',
      LOGIN_MAX_FAILURES: '3',
      LOCKOUT_MINUTES: '2',
    });
    expect(config.bruteForce).toEqual({ authRequestsPerMinute: 7, maxLoginFailures: 3, maxNameWideFailures: 30, lockoutSeconds: 120 });
  });

  it('converts the configured lifetimes to seconds', () => {
    const config = AppConfig.fromEnvironment({ JWT_EXPIRES_IN: '1h', REFRESH_EXPIRES_IN: '30d' });
    expect(config.jwt.expiresInSeconds).toBe(3600);
    expect(config.jwt.refreshExpiresInSeconds).toBe(30 * 86_400);
  });

  it('takes the issuer and audience of access tokens from JWT_ISSUER and JWT_AUDIENCE', () => {
    const config = AppConfig.fromEnvironment({ JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'accounts-api' });
    expect(config.jwt).toMatchObject({ issuer: 'https://id.example.com', audience: 'accounts-api' });
  });

  it('refuses an access token lifetime longer than the session lifetime', () => {
    expect(() => AppConfig.fromEnvironment({ JWT_EXPIRES_IN: '2h', REFRESH_EXPIRES_IN: '1h' })).toThrow(
      /JWT_EXPIRES_IN must not be longer than REFRESH_EXPIRES_IN/,
    );
  });

  it('generates a random secret of at least 32 bytes when JWT_SECRET is unset (login digests only: tokens are EdDSA)', () => {
    const first = AppConfig.fromEnvironment({});
    const second = AppConfig.fromEnvironment({});
    expect(first.jwt).toMatchObject({ algorithm: 'EdDSA', hmacKey: undefined, configuredKeys: [], jwksMaxAgeSeconds: 300 });
    expect(Buffer.byteLength(first.jwt.secret)).toBeGreaterThanOrEqual(32);
    expect(first.jwt.secret).not.toBe(second.jwt.secret);
  });

  it('seals second-factor secrets with a fixed development key when MFA_ENCRYPTION_KEY is unset, so that a restart can still open them', () => {
    const [first, second] = [AppConfig.fromEnvironment({}), AppConfig.fromEnvironment({})];
    expect(first.mfa.keyIsDevelopmentDefault).toBe(true);
    expect(first.mfa.encryptionKey).toBe(second.mfa.encryptionKey);
    expect(AppConfig.fromEnvironment({ MFA_ENCRYPTION_KEY: 'given-key' }).mfa).toMatchObject({ encryptionKey: 'given-key', keyIsDevelopmentDefault: false });
  });

  it("binds passkeys to PUBLIC_URL's host and to its and APP_URL's origins, unless WEBAUTHN_* say otherwise", () => {
    expect(AppConfig.fromEnvironment({ PUBLIC_URL: 'https://id.example.com/base/', APP_URL: 'https://app.example.com/x' }).webauthn).toEqual({
      rpId: 'id.example.com',
      rpName: 'user-accounts',
      origins: ['https://id.example.com', 'https://app.example.com'],
    });
    expect(AppConfig.fromEnvironment({}).webauthn).toMatchObject({ rpId: 'localhost', origins: ['http://localhost:3000'] });
    const set = AppConfig.fromEnvironment({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://a.example.com, https://b.example.com' });
    expect(set.webauthn).toMatchObject({ rpId: 'example.com', origins: ['https://a.example.com', 'https://b.example.com'] });
  });

  it('uses JWT_SECRET when set', () => {
    const config = AppConfig.fromEnvironment({ JWT_SECRET: 'given-secret' });
    expect(config.jwt).toMatchObject({ secret: 'given-secret', algorithm: 'EdDSA', hmacKey: undefined });
    const hs256 = AppConfig.fromEnvironment({ JWT_SECRET: 'given-secret', JWT_ALGORITHM: 'HS256' });
    expect(hs256.jwt.algorithm).toBe('HS256');
    expect(hs256.jwt.hmacKey?.export().toString()).toBe('given-secret');
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
      MFA_ENCRYPTION_KEY: 'm'.repeat(32),
      MAIL_TRANSPORT: 'log',
      PUBLIC_URL: 'https://accounts.example.com',
    });
    expect(config.production).toBe(true);
    expect(config.database.url).toBe('postgres://db/app');
  });

  it('refuses an invalid environment instead of starting', () => {
    expect(() => AppConfig.fromEnvironment({ BCRYPT_ROUNDS: '3' })).toThrow(/BCRYPT_ROUNDS/);
    expect(() => AppConfig.fromEnvironment({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL/);
  });
});

describe('AppConfig HOST', () => {
  it('listens on every IPv4 interface unless HOST says otherwise', () => {
    expect(AppConfig.fromEnvironment({}).host).toBe('0.0.0.0');
    expect(AppConfig.fromEnvironment({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });
});

describe('AppConfig HTTP limits', () => {
  it('has the documented limits, in milliseconds', () => {
    expect(AppConfig.fromEnvironment({}).http).toEqual({
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 300_000,
      idleTimeoutMs: 60_000,
      maxConnections: 800,
      maxConnectionsPerAddress: 100,
    });
  });

  it('takes the limits given', () => {
    const config = AppConfig.fromEnvironment({
      HTTP_HEADERS_TIMEOUT: '5s',
      HTTP_REQUEST_TIMEOUT: '10m',
      HTTP_IDLE_TIMEOUT: '30s',
      HTTP_MAX_CONNECTIONS: '4000',
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: '4000',
    });
    expect(config.http).toEqual({
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 600_000,
      idleTimeoutMs: 30_000,
      maxConnections: 4000,
      maxConnectionsPerAddress: 4000,
    });
  });
});

describe('AppConfig CORS origins', () => {
  const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', JWT_SECRET: 'k'.repeat(32), MFA_ENCRYPTION_KEY: 'm'.repeat(32), MAIL_TRANSPORT: 'log', PUBLIC_URL: 'https://accounts.example.com' };

  it('allows no browser origin in production without CORS_ORIGINS', () => {
    expect(AppConfig.fromEnvironment(PRODUCTION).corsOrigins).toBe(false);
    expect(AppConfig.fromEnvironment({ ...PRODUCTION, CORS_ORIGINS: '' }).corsOrigins).toBe(false);
  });

  it('allows any origin in development without CORS_ORIGINS', () => {
    expect(AppConfig.fromEnvironment({ NODE_ENV: 'development' }).corsOrigins).toBe(true);
  });

  it('allows the origins listed, trimmed, in production and development alike', () => {
    const origins = ['https://a.example', 'https://b.example'];
    const listed = { CORS_ORIGINS: 'https://a.example, https://b.example' };
    expect(AppConfig.fromEnvironment({ ...PRODUCTION, ...listed }).corsOrigins).toEqual(origins);
    expect(AppConfig.fromEnvironment(listed).corsOrigins).toEqual(origins);
  });

  it('skips empty entries in the list', () => {
    expect(AppConfig.fromEnvironment({ CORS_ORIGINS: 'https://a.example,, ' }).corsOrigins).toEqual([
      'https://a.example',
    ]);
  });
});

describe('AppConfig Redis and proxies', () => {
  it('passes REDIS_URL through', () => {
    expect(AppConfig.fromEnvironment({ REDIS_URL: 'redis://cache:6379/0' }).redisUrl).toBe('redis://cache:6379/0');
  });

  it('refuses a REDIS_URL that is no redis:// or rediss:// URL', () => {
    expect(() => AppConfig.fromEnvironment({ REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
  });

  it('derives trustProxy from TRUST_PROXY', () => {
    expect(AppConfig.fromEnvironment({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(AppConfig.fromEnvironment({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
    ]);
  });
});

describe('trustProxySetting', () => {
  it.each([
    ['false', false],
    ['true', true],
    ['10.0.0.1, 10.0.0.0/8', ['10.0.0.1', '10.0.0.0/8']],
    ['10.0.0.1', ['10.0.0.1']],
    ['127.0.0.1,,::1 ', ['127.0.0.1', '::1']],
  ])('reads %j as %j', (value, expected) => {
    expect(trustProxySetting(value)).toEqual(expected);
  });
});

describe('AppConfig mail and email tokens', () => {
  it('writes mails to the log by default outside production, with the documented lifetimes', () => {
    const config = AppConfig.fromEnvironment({});
    expect(config.mail).toEqual({ transport: 'log', from: 'no-reply@localhost', linkBaseUrl: 'http://localhost:3000', maxAttempts: 30, maxPerHour: 1000 });
    expect(config.emailTokens).toEqual({
      requireVerification: false,
      verifySeconds: 86_400,
      resetSeconds: 3_600,
      inviteSeconds: 604_800,
      emailChangeCancelSeconds: 604_800,
      emailChangesPerHour: 5,
    });
    expect(config.jwt.refreshReuseSeconds).toBe(10);
  });

  it('takes an SMTP URL, APP_URL without its trailing slash, and the lifetimes given', () => {
    const config = AppConfig.fromEnvironment({
      MAIL_TRANSPORT: 'smtps://user:pass@mail.example.com:465',
      APP_URL: 'https://app.example.com/',
      REQUIRE_EMAIL_VERIFICATION: 'true',
      RESET_TOKEN_TTL: '30m',
    });
    expect(config.mail).toMatchObject({ transport: 'smtps://user:pass@mail.example.com:465', linkBaseUrl: 'https://app.example.com' });
    expect(config.emailTokens).toMatchObject({ requireVerification: true, resetSeconds: 1_800 });
  });

  it("links to the service's own pages when APP_URL is unset: PUBLIC_URL, by default http://localhost:PORT", () => {
    expect(AppConfig.fromEnvironment({ PORT: '8080' })).toMatchObject({ publicUrl: 'http://localhost:8080', mail: { linkBaseUrl: 'http://localhost:8080' } });
    const behindProxy = AppConfig.fromEnvironment({ PUBLIC_URL: 'https://accounts.example.com/' });
    expect(behindProxy).toMatchObject({ publicUrl: 'https://accounts.example.com', mail: { linkBaseUrl: 'https://accounts.example.com' } });
    const withFrontend = AppConfig.fromEnvironment({ PUBLIC_URL: 'https://accounts.example.com', APP_URL: 'https://app.example.com' });
    expect(withFrontend.mail.linkBaseUrl).toBe('https://app.example.com');
  });

  it('purges every hour in batches of 1000, keeping sent and given-up mail 7 days and audit events 365, unless told otherwise', () => {
    expect(AppConfig.fromEnvironment({}).purge).toEqual({
      intervalSeconds: 3600,
      batchSize: 1000,
      mailRetentionDays: 7,
      auditRetentionDays: 365,
    });
    expect(
      AppConfig.fromEnvironment({
        PURGE_INTERVAL_SECONDS: '0',
        PURGE_BATCH_SIZE: '200',
        MAIL_RETENTION_DAYS: '1',
        AUDIT_RETENTION_DAYS: '30',
      }).purge,
    ).toEqual({ intervalSeconds: 0, batchSize: 200, mailRetentionDays: 1, auditRetentionDays: 30 });
  });

  it.each([['MAIL_TRANSPORT', 'http://mail.example.com'], ['MAIL_TRANSPORT', 'smtp://'], ['APP_URL', 'app.example.com'], ['PUBLIC_URL', 'accounts.example.com'], ['RESET_TOKEN_TTL', '0']])(
    'refuses %s=%s',
    (name, value) => {
      expect(() => AppConfig.fromEnvironment({ [name]: value })).toThrow(new RegExp(name));
    },
  );
});
