import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side: a phone's clock a little off, or a code typed as it changed. */
const WINDOW = 1;

function totp(secret: Buffer, label = 'account', issuer = 'User accounts'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS, secret: Secret.fromHex(secret.toString('hex')) });
}

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommended length). */
export function newTotpSecret(): Buffer {
  return Buffer.from(new Secret({ size: 20 }).bytes);
}

/** The secret as people type it into an app: base32. */
export function totpSecretText(secret: Buffer): string {
  return Secret.fromHex(secret.toString('hex')).base32;
}

/** The `otpauth://` URI an authenticator app enrols from (its QR code carries it). */
export function totpUri(secret: Buffer, label: string, issuer: string): string {
  return totp(secret, label, issuer).toString();
}

/** The time step a moment falls in. */
export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / PERIOD_SECONDS);
}

/** The code of the step `atMs` falls in (tests, and nothing else, compute codes). */
export function totpCode(secret: Buffer, atMs: number): string {
  return totp(secret).generate({ timestamp: atMs });
}

/**
 * The time step a `code` belongs to, within one step of `atMs`, when it is later than
 * `lastUsedStep`: a code is taken once (RFC 6238 5.2), and none older than the last one taken.
 * Undefined for a wrong, stale or replayed code.
 */
export function acceptedStep(secret: Buffer, code: string, atMs: number, lastUsedStep: number | null): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: atMs, window: WINDOW });
  if (delta === null) return undefined;
  const step = totpStep(atMs) + delta;
  return lastUsedStep !== null && step <= lastUsedStep ? undefined : step;
}
