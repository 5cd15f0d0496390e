import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { parseAuthProviders, ProviderSettings } from './auth-providers';
import { KeyPair, parseSigningKeys, SigningAlgorithm } from './signing-keys';
import { durationMilliseconds, durationSeconds, Environment, parseEnvironment } from './environment';

/** How long a client may take over a request, and how many connections it may hold (docs/configuration.md). */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Silence on a connection, either way, while a request is under way. */
  idleTimeoutMs: number;
  maxConnections: number;
  /** From one client address (an IPv6 /64), trusted proxies aside. */
  maxConnectionsPerAddress: number;
}

/** Outside production without MFA_ENCRYPTION_KEY: known to all, so only for data nobody needs to protect. */
const DEVELOPMENT_MFA_KEY = 'development-only-second-factor-key-not-secret';

/** The service's settings, typed and derived once from the environment; injected by class. */
export class AppConfig {
  readonly production: boolean;
  readonly port: number;
  /** The service's own public base URL (PUBLIC_URL), without a trailing slash. */
  readonly publicUrl: string;
  /** The address the service listens on. */
  readonly host: string;
  readonly http: HttpLimits;
  readonly database: { url?: string; dataDir: string };
  readonly jwt: {
    /** JWT_SECRET, or random: keys the audit trail's login digests (and signs, with HS256). */
    secret: string;
    /**
     * HS256's key (JWT_SECRET as a key object, made once: a string is parsed again on every
     * signature and check), when JWT_ALGORITHM is HS256.
     */
    hmacKey?: KeyObject;
    /** How new tokens are signed: JWT_ALGORITHM, else the first configured key's, else EdDSA. */
    algorithm: SigningAlgorithm;
    /** JWT_PRIVATE_KEYS, the first signing; none: keys generated once and kept in the database. */
    configuredKeys: KeyPair[];
    /** How long verifiers may cache the JWKS (JWKS_MAX_AGE). */
    jwksMaxAgeSeconds: number;
    expiresInSeconds: number;
    refreshExpiresInSeconds: number;
    /** How long an exchanged refresh token still gets a working pair (two tabs at once). */
    refreshReuseSeconds: number;
    /** The `iss` and `aud` claims every access token is signed with and must carry. */
    issuer: string;
    audience: string;
  };
  readonly bcryptRounds: number;
  readonly bruteForce: {
    /** Requests a minute from one client address to each sensitive auth route. */
    authRequestsPerMinute: number;
    /** Wrong passwords in a row that lock a login name: from one address, for it; from anywhere, everywhere. */
    maxLoginFailures: number;
    maxNameWideFailures: number;
    lockoutSeconds: number;
  };
  readonly admin?: { email: string; password: string };
  readonly swaggerEnabled: boolean;
  readonly logLevel: string;
  /** Allowed browser origins: a list, or true for any (development without CORS_ORIGINS). */
  readonly corsOrigins: string[] | boolean;
  readonly redisUrl?: string;
  /** Which proxies may tell the client address (X-Forwarded-For); see trustProxySetting. */
  readonly trustProxy: boolean | string[];
  readonly mail: {
    /** An smtp:// or smtps:// URL, or 'log'. */
    transport: string;
    from: string;
    /**
     * The base URL of the pages the links in mails open, without a trailing slash: APP_URL (a
     * frontend's), else PUBLIC_URL (the service's own pages).
     */
    linkBaseUrl: string;
    maxAttempts: number;
    /** Mails queued in an hour, in all. */
    maxPerHour: number;
  };
  readonly emailTokens: {
    requireVerification: boolean;
    verifySeconds: number;
    resetSeconds: number;
    inviteSeconds: number;
    emailChangeCancelSeconds: number;
    /** Email changes an owner may ask for in an hour. */
    emailChangesPerHour: number;
  };
  /** The periodic purge of rows nothing reads any more (src/purge). */
  readonly purge: {
    /** Seconds between runs; 0: the job never runs. */
    intervalSeconds: number;
    batchSize: number;
    mailRetentionDays: number;
    auditRetentionDays: number;
  };
  /** Second factors (src/auth/second-factor). */
  readonly mfa: {
    /** Seals TOTP secrets and keys recovery-code hashes (MFA_ENCRYPTION_KEY). */
    encryptionKey: string;
    /** True when MFA_ENCRYPTION_KEY is not set: a fixed development key is used. */
    keyIsDevelopmentDefault: boolean;
    /** The issuer an authenticator app shows beside the account (JWT_ISSUER's value). */
    issuer: string;
  };
  /** Passkeys (src/auth/passkeys): the relying party they are bound to. */
  readonly webauthn: {
    rpId: string;
    rpName: string;
    origins: string[];
  };
  /** Sign-in with other providers (src/auth/providers). */
  readonly oauth: {
    providers: ProviderSettings[];
    /** Where a provider login may return: any address of these origins, or exactly one of these URLs. */
    returnOrigins: string[];
    returnUrls: string[];
    /** Where it returns when the frontend names no address. */
    defaultReturnUrl: string;
  };
  /** Profile pictures (src/avatars): the largest upload taken, in bytes. */
  readonly avatarMaxBytes: number;
  /** Uploads of pictures an account may send an hour. */
  readonly avatarUploadsPerHour: number;

  constructor(env: Environment) {
    this.production = env.NODE_ENV === 'production';
    this.port = env.PORT;
    this.publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    this.host = env.HOST;
    this.http = httpLimits(env);
    this.database = { url: env.DATABASE_URL, dataDir: env.DATA_DIR };
    const configuredKeys = parseSigningKeys(env.JWT_PRIVATE_KEYS);
    const algorithm = env.JWT_ALGORITHM ?? configuredKeys[0]?.algorithm ?? 'EdDSA';
    const secret = env.JWT_SECRET ?? randomBytes(48).toString('base64url');
    this.jwt = {
      secret,
      hmacKey: algorithm === 'HS256' ? createSecretKey(Buffer.from(secret)) : undefined,
      algorithm,
      configuredKeys,
      jwksMaxAgeSeconds: durationSeconds(env.JWKS_MAX_AGE),
      expiresInSeconds: durationSeconds(env.JWT_EXPIRES_IN),
      refreshExpiresInSeconds: durationSeconds(env.REFRESH_EXPIRES_IN),
      refreshReuseSeconds: durationSeconds(env.REFRESH_REUSE_INTERVAL),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    };
    this.mfa = {
      // Fixed, not random: a restart must not make enrolled secrets unreadable (production requires the variable).
      encryptionKey: env.MFA_ENCRYPTION_KEY ?? DEVELOPMENT_MFA_KEY,
      keyIsDevelopmentDefault: !env.MFA_ENCRYPTION_KEY,
      issuer: env.JWT_ISSUER,
    };
    const ownOrigins = [this.publicUrl, env.APP_URL].filter((url) => url !== undefined).map((url) => new URL(url).origin);
    this.webauthn = {
      rpId: env.WEBAUTHN_RP_ID ?? new URL(this.publicUrl).hostname,
      rpName: env.JWT_ISSUER,
      origins: env.WEBAUTHN_ORIGINS ? env.WEBAUTHN_ORIGINS.split(',').map((origin) => origin.trim()) : [...new Set(ownOrigins)],
    };
    this.bcryptRounds = env.BCRYPT_ROUNDS;
    this.bruteForce = {
      authRequestsPerMinute: env.RATE_LIMIT_AUTH_PER_MINUTE,
      maxLoginFailures: env.LOGIN_MAX_FAILURES,
      maxNameWideFailures: env.LOGIN_MAX_FAILURES_NAME_WIDE ?? env.LOGIN_MAX_FAILURES * 10,
      lockoutSeconds: env.LOCKOUT_MINUTES * 60,
    };
    if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
      this.admin = { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD };
    }
    this.swaggerEnabled = env.SWAGGER_ENABLED;
    this.logLevel = env.LOG_LEVEL;
    const origins = env.CORS_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean);
    this.corsOrigins = origins ?? !this.production;
    this.redisUrl = env.REDIS_URL;
    this.trustProxy = trustProxySetting(env.TRUST_PROXY);
    this.mail = {
      transport: env.MAIL_TRANSPORT ?? 'log',
      from: env.MAIL_FROM,
      linkBaseUrl: (env.APP_URL ?? this.publicUrl).replace(/\/+$/, ''),
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      maxPerHour: env.MAIL_MAX_PER_HOUR,
    };
    this.emailTokens = {
      requireVerification: env.REQUIRE_EMAIL_VERIFICATION,
      verifySeconds: durationSeconds(env.VERIFY_TOKEN_TTL),
      resetSeconds: durationSeconds(env.RESET_TOKEN_TTL),
      inviteSeconds: durationSeconds(env.INVITE_TOKEN_TTL),
      emailChangeCancelSeconds: durationSeconds(env.EMAIL_CHANGE_CANCEL_TTL),
      emailChangesPerHour: env.EMAIL_CHANGES_PER_HOUR,
    };
    this.purge = {
      intervalSeconds: env.PURGE_INTERVAL_SECONDS,
      batchSize: env.PURGE_BATCH_SIZE,
      mailRetentionDays: env.MAIL_RETENTION_DAYS,
      auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    };
    this.oauth = {
      providers: parseAuthProviders(env.AUTH_PROVIDERS),
      returnOrigins: [new URL(this.mail.linkBaseUrl).origin],
      returnUrls: env.OAUTH_REDIRECT_URLS?.split(',').map((url) => url.trim()) ?? [],
      defaultReturnUrl: `${this.mail.linkBaseUrl}/`,
    };
    this.avatarMaxBytes = env.AVATAR_MAX_BYTES;
    this.avatarUploadsPerHour = env.AVATAR_UPLOADS_PER_HOUR;
  }

  static fromEnvironment(raw: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(parseEnvironment(raw));
  }
}

/** The HTTP server's limits: read before the application exists, since the server is made first. */
export function httpLimits(env: Environment): HttpLimits {
  return {
    headersTimeoutMs: durationMilliseconds(env.HTTP_HEADERS_TIMEOUT),
    requestTimeoutMs: durationMilliseconds(env.HTTP_REQUEST_TIMEOUT),
    idleTimeoutMs: durationMilliseconds(env.HTTP_IDLE_TIMEOUT),
    maxConnections: env.HTTP_MAX_CONNECTIONS,
    maxConnectionsPerAddress: env.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
  };
}

/**
 * TRUST_PROXY as Fastify takes it: `false`, `true` (believe any X-Forwarded-For: only behind
 * a proxy that every request passes), or the proxies' addresses and CIDR ranges.
 */
export function trustProxySetting(value: string): boolean | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  return value.split(',').map((address) => address.trim()).filter(Boolean);
}
