import { calculateJwkThumbprint } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { jwkThumbprint, parseSigningKeys } from './signing-keys';

const ed = generateKeyPairSync('ed25519').privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pem = (key: typeof ed) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const jwk = (key: typeof ed) => key.export({ format: 'jwk' });

describe('parseSigningKeys (JWT_PRIVATE_KEYS)', () => {
  it('reads nothing from unset or blank', () => {
    expect(parseSigningKeys(undefined)).toEqual([]);
    expect(parseSigningKeys('  ')).toEqual([]);
  });

  it('reads PEM keys, one after another, and names their algorithm, in order', () => {
    const keys = parseSigningKeys(`${pem(ed)}\n${pem(ec)}`);
    expect(keys.map((key) => key.algorithm)).toEqual(['EdDSA', 'ES256']);
    expect(keys[0].publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk(ed).x, kid: keys[0].kid, alg: 'EdDSA', use: 'sig' });
    expect(keys[1].publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk(ec).x, y: jwk(ec).y, alg: 'ES256' });
    // Nothing private is published.
    expect(JSON.stringify(keys.map((key) => key.publicJwk))).not.toContain(jwk(ed).d);
  });

  it('reads a PEM key whose line breaks are written \\n (one line of an .env file), and a SEC 1 EC key', () => {
    expect(parseSigningKeys(pem(ed).replaceAll('\n', '\\n'))[0].algorithm).toBe('EdDSA');
    const sec1 = ec.export({ type: 'sec1', format: 'pem' }).toString();
    expect(parseSigningKeys(sec1)[0].algorithm).toBe('ES256');
  });

  it('reads a JWK, a list, and a JWK Set, keeping a given kid and giving others their RFC 7638 thumbprint', async () => {
    const [single] = parseSigningKeys(JSON.stringify(jwk(ed)));
    expect(single.kid).toBe(await calculateJwkThumbprint(jwk(ed) as never));
    const listed = parseSigningKeys(JSON.stringify([{ ...jwk(ed), kid: 'first' }, jwk(ec)]));
    expect(listed.map((key) => key.kid)).toEqual(['first', await calculateJwkThumbprint(jwk(ec) as never)]);
    expect(parseSigningKeys(JSON.stringify({ keys: [{ ...jwk(ec), kid: 'set-1', alg: 'ES256' }] }))[0].kid).toBe('set-1');
  });

  it('computes the thumbprint as jose does', async () => {
    for (const key of [ed, ec]) expect(jwkThumbprint(jwk(key))).toBe(await calculateJwkThumbprint(jwk(key) as never));
  });

  it.each([
    ['text that is no key', 'not a key', /must be PEM private keys/],
    ['a public key', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(), /must be PEM private keys/],
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /key 1: a rsa key/],
    ['a P-384 key', pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey), /key 1: a ec key on secp384r1/],
    ['a PEM key with text after it', `${pem(ed)}trailing`, /must be PEM private keys/],
    ['broken JSON', '{"kty":', /not valid JSON/],
    ['an empty list', '[]', /holds no key/],
    ['a public JWK', JSON.stringify({ ...jwk(ed), d: undefined }), /key 1: not a private JSON Web Key/],
    ['a JWK whose alg does not fit it', JSON.stringify({ ...jwk(ed), alg: 'ES256' }), /key 1: its alg ES256 does not fit/],
    ['a JWK of another alg', JSON.stringify({ ...jwk(ed), alg: 'RS256' }), /key 1: its alg RS256 is not EdDSA or ES256/],
    ['a JWK with a kid of other characters', JSON.stringify({ ...jwk(ed), kid: 'a/b' }), /key 1: its kid must be/],
    ['the same key twice', JSON.stringify([jwk(ed), jwk(ed)]), /two keys have the kid/],
    ['a damaged JWK', JSON.stringify([jwk(ed), { ...jwk(ec), x: 'AAAA' }]), /key 2:/],
  ])('refuses %s, naming the key by its place, never quoting it', (_label, text, message) => {
    let thrown: unknown;
    try {
      parseSigningKeys(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/^JWT_PRIVATE_KEYS/);
    expect((thrown as Error).message).toMatch(message);
    for (const secret of [jwk(ed).d, jwk(ec).d, 'BEGIN']) expect((thrown as Error).message).not.toContain(secret);
  });
});
