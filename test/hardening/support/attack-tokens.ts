import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

/** Hand-made JSON Web Tokens: any header, any payload, any key, or no signature at all. */

export const base64url = (input: string | Buffer) => Buffer.from(input).toString('base64url');

const part = (value: unknown) => base64url(JSON.stringify(value));

/** The `iss` and `aud` the service signs and requires when JWT_ISSUER and JWT_AUDIENCE are unset. */
export const DEFAULT_ISSUER = 'user-accounts';
export const DEFAULT_AUDIENCE = 'user-accounts';

/** Seconds since the epoch, as JWT claims count time. */
export const now = () => Math.floor(Date.now() / 1000);

/** The header and payload of a token, decoded without any check. */
export function decode(token: string): { header: any; payload: any; signature: string } {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
    signature,
  };
}

/** `header.payload.HMAC(signing input)` with the header as given: its `alg` may say anything. */
export function hmacToken(
  header: Record<string, unknown>,
  payload: unknown,
  key: string | Buffer,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

/** An HS256 token as the service would sign it, with the claims given and nothing added. */
export const hs256 = (payload: unknown, key: string | Buffer) => hmacToken({ alg: 'HS256', typ: 'JWT' }, payload, key);

/** `alg: none`: no signature, with or without the trailing dot. */
export function unsignedToken(payload: unknown, { alg = 'none', trailingDot = true } = {}): string {
  return `${part({ alg, typ: 'JWT' })}.${part(payload)}${trailingDot ? '.' : ''}`;
}

/** A real asymmetric signature, made with a key pair the service has never seen. */
export function asymmetricToken(payload: unknown, alg: 'RS256' | 'ES256'): string {
  const input = `${part({ alg, typ: 'JWT' })}.${part(payload)}`;
  if (alg === 'RS256') {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** A token's own signature kept, its payload replaced: what tampering in transit looks like. */
export function withPayload(token: string, payload: unknown): string {
  const [header, , signature] = token.split('.');
  return `${header}.${part(payload)}.${signature}`;
}

/** A token's header replaced, payload and signature kept. */
export function withHeader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return `${part(header)}.${payload}.${signature}`;
}
