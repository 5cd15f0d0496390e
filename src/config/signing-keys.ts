import { createHash, createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

/** The asymmetric algorithms access tokens are signed with: Ed25519 and ECDSA P-256. */
export type AsymmetricAlgorithm = 'EdDSA' | 'ES256';
export type SigningAlgorithm = AsymmetricAlgorithm | 'HS256';

/** A public key as the JWKS publishes it. */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
  kid: string;
  alg: AsymmetricAlgorithm;
  use: 'sig';
}

/** A key pair: what JWT_PRIVATE_KEYS gives, or what the database keeps sealed. */
export interface KeyPair {
  kid: string;
  algorithm: AsymmetricAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

const PEM = /-----BEGIN ((?:EC )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/g;
/** A kid this service makes (an RFC 7638 thumbprint) or JWT_PRIVATE_KEYS may give. */
export const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The pair of a private key object: Ed25519 or P-256, else an error naming what it is. */
export function keyPairOf(privateKey: KeyObject, kid?: string): KeyPair {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const algorithm = algorithmOf(privateKey);
  const id = kid ?? jwkThumbprint(jwk);
  const publicJwk: PublicJwk = { kty: jwk.kty as PublicJwk['kty'], crv: jwk.crv as PublicJwk['crv'], x: jwk.x as string, ...(jwk.y && { y: jwk.y }), kid: id, alg: algorithm, use: 'sig' };
  return { kid: id, algorithm, privateKey, publicKey, publicJwk };
}

function algorithmOf(key: KeyObject): AsymmetricAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`a ${key.asymmetricKeyType} key${key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ''}: only Ed25519 (EdDSA) and P-256 (ES256) keys sign tokens`);
}

/** RFC 7638: the SHA-256 of the key's required members, in order, base64url; the `kid` of a key given none. */
export function jwkThumbprint(jwk: { kty?: string; crv?: string; x?: string; y?: string }): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * JWT_PRIVATE_KEYS: one or more PEM private keys (PKCS #8, or SEC 1 for P-256; `\n` may stand for
 * a line break), or JSON: a private JWK, a list of them, or `{ "keys": [...] }`. The first key
 * signs; every one is published and verifies. Throws a message naming the key at fault (by its
 * place), never the key.
 */
export function parseSigningKeys(text: string | undefined): KeyPair[] {
  if (text === undefined || text.trim() === '') return [];
  const trimmed = text.trim().replaceAll('\\n', '\n');
  const keys = trimmed.startsWith('{') || trimmed.startsWith('[') ? fromJson(trimmed) : fromPem(trimmed);
  const kids = new Set<string>();
  for (const key of keys) {
    if (kids.has(key.kid)) throw new Error(`JWT_PRIVATE_KEYS: two keys have the kid ${key.kid}`);
    kids.add(key.kid);
  }
  return keys;
}

function fromPem(text: string): KeyPair[] {
  const blocks = text.match(PEM) ?? [];
  if (blocks.length === 0 || text.replace(PEM, '').trim() !== '') {
    throw new Error('JWT_PRIVATE_KEYS must be PEM private keys (PKCS #8, or SEC 1 for P-256) or JSON Web Keys');
  }
  return blocks.map((pem, index) => described(index, () => keyPairOf(createPrivateKey(pem))));
}

function fromJson(text: string): KeyPair[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('JWT_PRIVATE_KEYS is not valid JSON');
  }
  const list = Array.isArray(parsed) ? parsed : isObject(parsed) && Array.isArray(parsed.keys) ? parsed.keys : [parsed];
  if (list.length === 0) throw new Error('JWT_PRIVATE_KEYS holds no key');
  return list.map((jwk: unknown, index: number) =>
    described(index, () => {
      if (!isObject(jwk) || typeof jwk.d !== 'string') throw new Error('not a private JSON Web Key (no "d")');
      if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !KEY_ID.test(jwk.kid))) throw new Error('its kid must be 1 to 64 letters, digits, dots, dashes or underscores');
      if (jwk.alg !== undefined && jwk.alg !== 'EdDSA' && jwk.alg !== 'ES256') throw new Error(`its alg ${String(jwk.alg)} is not EdDSA or ES256`);
      const pair = keyPairOf(createPrivateKey({ key: jwk as never, format: 'jwk' }), jwk.kid as string | undefined);
      if (jwk.alg !== undefined && jwk.alg !== pair.algorithm) throw new Error(`its alg ${jwk.alg} does not fit its ${pair.publicJwk.crv} key`);
      return pair;
    }),
  );
}

/** Runs `make`, its error (ours, or the crypto library's, which never quotes the key) prefixed with the key's place. */
function described<T>(index: number, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new Error(`JWT_PRIVATE_KEYS: key ${index + 1}: ${error instanceof Error ? error.message : 'not a key'}`, { cause: error });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
