import { createPrivateKey } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';

/**
 * The Ed25519 key test apps sign with (JWT_PRIVATE_KEYS), known to the tests so that they can
 * sign as the service would: a login of long ago, claims the service never makes. The suites of
 * keys kept in the database (keys.e2e-spec.ts) unset it, one app a file.
 */
export const TEST_SIGNING_JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'qdHZibAfJqZD6vMmFPz7DZ0sQ8R9OZPkzf8HivKJIb8',
  d: 'FQU5WuLl2UgY7jKnhywSUj3DZUTZnLnVjmu3jPuEH1s',
  kid: 'test-key-1',
};
export const TEST_SIGNING_KEYS = JSON.stringify([TEST_SIGNING_JWK]);

/** A P-256 key for ES256 suites. */
export const TEST_ES256_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'VrDt9BCtveXuwNhTTXSRng23pkA0AR_ER-2ljWYBXGk',
  y: 'IVacD0pckjBdUHvc8ZkUXY7lQsSf3FwxHrBtXFeFTuk',
  d: '5cwT3J1U4Hi9XiRp2Erp7n3hHW3Iz0LOHpFB0Zoz6O8',
};

/** `claims` signed with the tests' Ed25519 key as the service signs (EdDSA, its kid), nothing added. */
export function signAsService(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: TEST_SIGNING_JWK.kid, typ: 'at+jwt', ...header })
    .sign(createPrivateKey({ key: TEST_SIGNING_JWK, format: 'jwk' }));
}

/** The claims of a token, unchecked. */
export const claimsOf = (token: string): Record<string, unknown> => decodeJwt(token);
