import { isIP } from 'node:net';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  getMetadataStorage,
  validateSync,
} from 'class-validator';
import { parseAuthProviders } from './auth-providers';
import { KeyPair, parseSigningKeys } from './signing-keys';

const DURATION = /^\d+(ms|s|m|h|d)?$/;

/** HOST's default. */
export const EVERY_IPV4_INTERFACE = '0.0.0.0';
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** The variables of docs/configuration.md, as strings from the environment. Unknown variables are ignored. */
export class Environment {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** The address to listen on: 0.0.0.0 (every IPv4 interface), :: (every interface), one address, or a host name. */
  @IsOptional() @IsString()
  HOST = EVERY_IPV4_INTERFACE;

  /** How long a client may take to send a request's headers, from its first byte (or its connection). */
  @IsOptional() @Matches(DURATION, { message: 'HTTP_HEADERS_TIMEOUT must be a duration such as 20s' })
  HTTP_HEADERS_TIMEOUT = '20s';

  /** How long a client may take to send a whole request, body included: an upload on a slow link must fit. */
  @IsOptional() @Matches(DURATION, { message: 'HTTP_REQUEST_TIMEOUT must be a duration such as 5m' })
  HTTP_REQUEST_TIMEOUT = '5m';

  /** How long a connection may carry nothing either way while a request is under way (a client that stops reading). */
  @IsOptional() @Matches(DURATION, { message: 'HTTP_IDLE_TIMEOUT must be a duration such as 60s' })
  HTTP_IDLE_TIMEOUT = '60s';

  /** Open connections at most; the next are closed as they come. Below the usual limit of 1,024 open files. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  HTTP_MAX_CONNECTIONS = 800;

  /** Open connections at most from one client address (an IPv6 /64), trusted proxies aside. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  HTTP_MAX_CONNECTIONS_PER_ADDRESS = 100;

  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @IsString() @MinLength(1)
  DATA_DIR = './data';

  /** Signs access tokens with HS256 when JWT_ALGORITHM is HS256; keys the audit trail's login digests. */
  @IsOptional() @IsString() @MinLength(1)
  JWT_SECRET?: string;

  /** EdDSA (Ed25519, the default) or ES256 (P-256): asymmetric; HS256 with JWT_SECRET, for deployments that rely on it. */
  @IsOptional() @IsIn(['EdDSA', 'ES256', 'HS256'], { message: 'JWT_ALGORITHM must be EdDSA, ES256 or HS256' })
  JWT_ALGORITHM?: 'EdDSA' | 'ES256' | 'HS256';

  /** Private signing keys, PEM or JWK, several allowed (the first signs); else keys kept in the database. */
  @IsOptional() @IsString()
  JWT_PRIVATE_KEYS?: string;

  /** How long a verifier may cache the JWKS (its Cache-Control): a new key is published twice this long before it signs. */
  @IsOptional() @Matches(DURATION, { message: 'JWKS_MAX_AGE must be a duration such as 5m' })
  JWKS_MAX_AGE = '5m';

  /** The key that seals second-factor secrets (TOTP) and keys recovery codes' hashes. */
  @IsOptional() @IsString() @MinLength(1)
  MFA_ENCRYPTION_KEY?: string;

  @IsOptional() @Matches(DURATION, { message: 'JWT_EXPIRES_IN must be a duration such as 15m' })
  JWT_EXPIRES_IN = '15m';

  @IsOptional() @Matches(DURATION, { message: 'REFRESH_EXPIRES_IN must be a duration such as 7d' })
  REFRESH_EXPIRES_IN = '7d';

  /**
   * How long a refresh token, once exchanged, still gets a working pair: two tabs, or a server
   * render and the browser, refreshing with one token at once. After it, a reuse ends the session.
   */
  @IsOptional() @Matches(DURATION, { message: 'REFRESH_REUSE_INTERVAL must be a duration such as 10s' })
  REFRESH_REUSE_INTERVAL = '10s';

  /** The `iss` and `aud` of access tokens: signed into each, and required of each. */
  @IsOptional() @IsString() @MinLength(1)
  JWT_ISSUER = 'user-accounts';

  @IsOptional() @IsString() @MinLength(1)
  JWT_AUDIENCE = 'user-accounts';

  // bcrypt accepts 4 to 31; above 15 a login takes seconds.
  @IsOptional() @Transform(toInt) @IsInt() @Min(4) @Max(15)
  BCRYPT_ROUNDS = 12;

  @IsOptional() @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional() @IsString()
  ADMIN_PASSWORD?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_AUTH_PER_MINUTE = 20;

  /** Wrong passwords in a row from one client address that lock a login name for that address. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  LOGIN_MAX_FAILURES = 5;

  /** Wrong passwords in a row from anywhere that lock a login name everywhere; default: 10 × LOGIN_MAX_FAILURES. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  LOGIN_MAX_FAILURES_NAME_WIDE?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  LOCKOUT_MINUTES = 15;

  @IsOptional() @IsString()
  CORS_ORIGINS?: string;

  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Whom to believe about the client address: false, true, or proxy addresses and CIDRs. */
  @IsOptional() @IsString()
  TRUST_PROXY = 'false';

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  SWAGGER_ENABLED = true;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** `smtp://` or `smtps://` URL, or `log`: each mail one log line. `log` by default outside production. */
  @IsOptional() @Matches(/^(log|smtps?:\/\/[^\s]+)$/, { message: 'MAIL_TRANSPORT must be an smtp:// or smtps:// URL, or log' })
  MAIL_TRANSPORT?: string;

  @IsOptional() @IsString() @MinLength(3)
  MAIL_FROM = 'no-reply@localhost';

  /** The service's own public base URL: where its pages for the mail links are reached. Default http://localhost:PORT. */
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL?: string;

  /** The WebAuthn relying party's id: the host name passkeys are bound to (PUBLIC_URL's host unless set). */
  @IsOptional() @Matches(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, { message: 'WEBAUTHN_RP_ID must be a lower-case host name, such as example.com' })
  WEBAUTHN_RP_ID?: string;

  /** The origins a passkey ceremony may come from, comma-separated (PUBLIC_URL's and APP_URL's unless set). */
  @IsOptional() @IsString()
  WEBAUTHN_ORIGINS?: string;

  /** A frontend's base URL, when it serves the mail links' pages itself; unset, the links open the service's own (PUBLIC_URL). */
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'APP_URL must be an http:// or https:// URL' })
  APP_URL?: string;

  /** Sign-in providers: a JSON list of OpenID Connect and GitHub entries (docs/configuration.md). */
  @IsOptional() @IsString()
  AUTH_PROVIDERS?: string;

  /** Exact addresses, besides APP_URL's origin, that a provider login may return to: a mobile app's, say. Comma-separated. */
  @IsOptional() @IsString()
  OAUTH_REDIRECT_URLS?: string;

  /** Mails queued in an hour, all kinds and recipients together (per instance, or across them with Redis). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  MAIL_MAX_PER_HOUR = 1000;

  /** Email changes an owner may ask for in an hour (each mails two addresses). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  EMAIL_CHANGES_PER_HOUR = 5;

  /** Tries before an undeliverable mail is given up (the row stays, with its last error). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  MAIL_MAX_ATTEMPTS = 30;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  REQUIRE_EMAIL_VERIFICATION = false;

  @IsOptional() @Matches(DURATION, { message: 'VERIFY_TOKEN_TTL must be a duration such as 24h' })
  VERIFY_TOKEN_TTL = '24h';

  @IsOptional() @Matches(DURATION, { message: 'RESET_TOKEN_TTL must be a duration such as 1h' })
  RESET_TOKEN_TTL = '1h';

  @IsOptional() @Matches(DURATION, { message: 'INVITE_TOKEN_TTL must be a duration such as 7d' })
  INVITE_TOKEN_TTL = '7d';

  /** How long the link that undoes an owner's email change works, sent to the address it left. */
  @IsOptional() @Matches(DURATION, { message: 'EMAIL_CHANGE_CANCEL_TTL must be a duration such as 7d' })
  EMAIL_CHANGE_CANCEL_TTL = '7d';

  /** Seconds between an instance's purges of ended sessions, spent tokens and old mail; 0: none. */
  // At most what setTimeout can wait (2^31 - 1 ms, 24.8 days): Node turns a longer delay into 1 ms.
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(2_147_483)
  PURGE_INTERVAL_SECONDS = 3600;

  /** Rows one purge statement deletes at most: what bounds how long it holds its row locks. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  PURGE_BATCH_SIZE = 1000;

  /**
   * Days a delivered or given-up mail stays in the outbox. At least one: the per-recipient limit
   * counts the last hour's mails, sent ones included.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3650)
  MAIL_RETENTION_DAYS = 7;

  /** Days an audit event is kept before the purge deletes it. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(36500)
  AUDIT_RETENTION_DAYS = 365;

  /** Bytes a profile picture's upload may have; a larger one is refused with 413 as it arrives. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(50 * 1024 * 1024)
  AVATAR_MAX_BYTES = 5 * 1024 * 1024;

  /** Picture uploads an account may send an hour (its own, or as an administrator); 429 past them. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  AVATAR_UPLOADS_PER_HOUR = 30;
}

/** Every variable the service reads: the properties of the Environment schema. */
export const ENVIRONMENT_VARIABLES: (keyof Environment)[] = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(Environment, '', true, false)
      .map(({ propertyName }) => propertyName as keyof Environment),
  ),
];

/** `10.0.0.1`, `::1`, `10.0.0.0/8` or `fd00::/8`. */
function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** `15m` → 900000 (milliseconds); a bare number is seconds, as in jsonwebtoken. */
export function durationMilliseconds(text: string): number {
  const [, amount, unit] = /^(\d+)(ms|s|m|h|d)?$/.exec(text)!;
  return Number(amount) * DURATION_UNITS[unit ?? 's'];
}

/** `15m` → 900 (seconds). */
export function durationSeconds(text: string): number {
  return Math.floor(durationMilliseconds(text) / 1000);
}

/** The longest delay Node's timers take (2^31 - 1 ms, 24.8 days): a longer one becomes 1 ms. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** `example.com`, `api-1.internal`, `localhost`. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The HTTP server's limits: timeouts of a second to 24 days, headers within the request, one address within the total. */
function checkHttpLimits(env: Environment): void {
  for (const name of ['HTTP_HEADERS_TIMEOUT', 'HTTP_REQUEST_TIMEOUT', 'HTTP_IDLE_TIMEOUT'] as const) {
    const ms = durationMilliseconds(env[name]);
    if (ms < 1000) throw new Error(`Invalid environment: ${name} must be at least one second`);
    if (ms > LONGEST_TIMER_MS) throw new Error(`Invalid environment: ${name} must be at most 24 days`);
  }
  // Node refuses a server whose headers may take longer than the whole request.
  if (durationMilliseconds(env.HTTP_HEADERS_TIMEOUT) > durationMilliseconds(env.HTTP_REQUEST_TIMEOUT)) {
    throw new Error('Invalid environment: HTTP_HEADERS_TIMEOUT must not be longer than HTTP_REQUEST_TIMEOUT');
  }
  if (env.HTTP_MAX_CONNECTIONS_PER_ADDRESS > env.HTTP_MAX_CONNECTIONS) {
    throw new Error('Invalid environment: HTTP_MAX_CONNECTIONS_PER_ADDRESS must not be more than HTTP_MAX_CONNECTIONS');
  }
}

/**
 * Reads and checks the environment. Throws an Error whose one-line message names the
 * offending variable, so that a misconfigured service never starts.
 */
export function parseEnvironment(raw: NodeJS.ProcessEnv): Environment {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const [first] = validateSync(env, { whitelist: true });
  if (first) {
    // Stacked decorators run bottom-up, so the last message is the first rule as written.
    const message = Object.values(first.constraints ?? {}).at(-1) ?? `${first.property} is invalid`;
    throw new Error(`Invalid environment: ${message}`);
  }
  for (const name of ['JWT_EXPIRES_IN', 'REFRESH_EXPIRES_IN', 'VERIFY_TOKEN_TTL', 'RESET_TOKEN_TTL', 'INVITE_TOKEN_TTL', 'EMAIL_CHANGE_CANCEL_TTL', 'JWKS_MAX_AGE'] as const) {
    if (durationSeconds(env[name]) < 1) {
      throw new Error(`Invalid environment: ${name} must be at least one second`);
    }
  }
  // Longer, and a stolen refresh token's replay would pass for a second tab.
  if (durationSeconds(env.REFRESH_REUSE_INTERVAL) > 60) {
    throw new Error('Invalid environment: REFRESH_REUSE_INTERVAL must be at most one minute (0 turns it off)');
  }
  // Routes check that a token's session is not revoked, not that it is unexpired: an access
  // token must not outlive the session it was issued for.
  if (durationSeconds(env.JWT_EXPIRES_IN) > durationSeconds(env.REFRESH_EXPIRES_IN)) {
    throw new Error('Invalid environment: JWT_EXPIRES_IN must not be longer than REFRESH_EXPIRES_IN');
  }
  if (!isIP(env.HOST) && !HOST_NAME.test(env.HOST)) {
    throw new Error('Invalid environment: HOST must be an IP address or a host name');
  }
  checkHttpLimits(env);
  if (!['true', 'false'].includes(env.TRUST_PROXY)) {
    const proxies = env.TRUST_PROXY.split(',').map((entry) => entry.trim());
    if (!proxies.every(isAddressOrRange)) {
      throw new Error('Invalid environment: TRUST_PROXY must be true, false or proxy addresses and CIDR ranges');
    }
  }
  if (env.WEBAUTHN_ORIGINS !== undefined && !env.WEBAUTHN_ORIGINS.split(',').every((origin) => isOrigin(origin.trim()))) {
    throw new Error('Invalid environment: WEBAUTHN_ORIGINS must be comma-separated origins, such as https://app.example.com');
  }
  parseAuthProviders(env.AUTH_PROVIDERS);
  checkSigningKeys(env);
  if (env.OAUTH_REDIRECT_URLS !== undefined && !env.OAUTH_REDIRECT_URLS.split(',').every((url) => isReturnUrl(url.trim()))) {
    throw new Error('Invalid environment: OAUTH_REDIRECT_URLS must be comma-separated absolute URLs, such as com.example.app:/oauth');
  }
  if (env.LOGIN_MAX_FAILURES_NAME_WIDE !== undefined && env.LOGIN_MAX_FAILURES_NAME_WIDE < env.LOGIN_MAX_FAILURES) {
    // Else one address could lock the name everywhere before its own lock: the owner's included.
    throw new Error('Invalid environment: LOGIN_MAX_FAILURES_NAME_WIDE must not be less than LOGIN_MAX_FAILURES');
  }
  if (env.NODE_ENV === 'production') {
    if (!env.DATABASE_URL) throw new Error('Invalid environment: DATABASE_URL must be set in production');
    if (!env.JWT_SECRET || Buffer.byteLength(env.JWT_SECRET) < 32) {
      throw new Error('Invalid environment: JWT_SECRET must be at least 32 bytes in production');
    }
    if (!env.MFA_ENCRYPTION_KEY || Buffer.byteLength(env.MFA_ENCRYPTION_KEY) < 32) {
      throw new Error('Invalid environment: MFA_ENCRYPTION_KEY must be at least 32 bytes in production');
    }
    // Production mail must go somewhere real, or be written to the log on purpose.
    if (!env.MAIL_TRANSPORT) throw new Error('Invalid environment: MAIL_TRANSPORT must be set in production');
    // Else every link in a mail would open http://localhost.
    if (!env.PUBLIC_URL && !env.APP_URL) throw new Error('Invalid environment: PUBLIC_URL (or APP_URL) must be set in production');
  }
  if (env.ADMIN_EMAIL || env.ADMIN_PASSWORD) {
    if (!env.ADMIN_EMAIL) throw new Error('Invalid environment: ADMIN_EMAIL must be set with ADMIN_PASSWORD');
    const bytes = Buffer.byteLength(env.ADMIN_PASSWORD ?? '');
    if (bytes < 8 || bytes > 72) {
      throw new Error('Invalid environment: ADMIN_PASSWORD must be 8 to 72 bytes with ADMIN_EMAIL');
    }
  }
  return env;
}

/** JWT_ALGORITHM, JWT_PRIVATE_KEYS and JWT_SECRET together: one way to sign, and keys that fit it. */
function checkSigningKeys(env: Environment): void {
  let keys: KeyPair[];
  try {
    keys = parseSigningKeys(env.JWT_PRIVATE_KEYS);
  } catch (error) {
    throw new Error(`Invalid environment: ${(error as Error).message}`, { cause: error });
  }
  if (env.JWT_ALGORITHM === 'HS256') {
    if (!env.JWT_SECRET) throw new Error('Invalid environment: JWT_ALGORITHM HS256 needs JWT_SECRET');
    if (keys.length > 0) throw new Error('Invalid environment: JWT_ALGORITHM HS256 signs with JWT_SECRET: leave JWT_PRIVATE_KEYS unset');
  } else if (env.JWT_ALGORITHM !== undefined && keys.length > 0 && keys[0].algorithm !== env.JWT_ALGORITHM) {
    throw new Error(`Invalid environment: the first key of JWT_PRIVATE_KEYS is ${keys[0].algorithm}, not JWT_ALGORITHM ${env.JWT_ALGORITHM}`);
  }
  if (durationSeconds(env.JWKS_MAX_AGE) > 86_400) throw new Error('Invalid environment: JWKS_MAX_AGE must be at most one day');
}

/** An absolute URL without credentials or fragment: an app's own scheme is allowed (com.example.app:/oauth). */
function isReturnUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return !url.username && !url.password && !url.hash && !['javascript:', 'data:', 'file:', 'blob:'].includes(url.protocol);
  } catch {
    return false;
  }
}

/** Whether `text` is an origin: http(s), a host, an optional port, nothing after. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}
