// A software WebAuthn authenticator: the end-to-end tests' (test/support/soft-authenticator.ts
// re-exports it, typed) and bench/login-cost.mjs's.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

/** CBOR (RFC 8949) of the few shapes WebAuthn needs: integers, byte and text strings, maps. */
function cbor(value) {
  const head = (major, length) => {
    if (length < 24) return Buffer.from([(major << 5) | length]);
    if (length < 256) return Buffer.from([(major << 5) | 24, length]);
    const bytes = Buffer.alloc(3);
    bytes[0] = (major << 5) | 25;
    bytes.writeUInt16BE(length, 1);
    return bytes;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Map) {
    return Buffer.concat([head(5, value.size), ...[...value].flatMap(([key, item]) => [cbor(key), cbor(item)])]);
  }
  throw new Error(`cbor: cannot encode ${typeof value}`);
}

/**
 * A software authenticator for the end-to-end tests: what a phone or a security key does in a
 * WebAuthn ceremony (ES256 keys, "none" attestation, a signature counter), without a browser.
 * The browser test drives Chromium's own virtual authenticator instead.
 */
export class SoftAuthenticator {
  credentials = [];

  constructor(origin, rpId = new URL(origin).hostname) {
    this.origin = origin;
    this.rpId = rpId;
  }

  /** navigator.credentials.create(): a new credential for the options, as its JSON. */
  register(options, { origin = this.origin, userVerified = true } = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential = { id: randomBytes(16), privateKey, publicKey, userHandle: options.user.id, counter: 0 };
    this.credentials.push(credential);
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, 'base64url')], [-3, Buffer.from(jwk.y, 'base64url')]]));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(options.rp.id ?? this.rpId),
      Buffer.from([0x01 | (userVerified ? 0x04 : 0) | 0x40]),
      Buffer.alloc(4),
      Buffer.alloc(16),
      idLength,
      credential.id,
      coseKey,
    ]);
    const clientData = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false });
    const attestationObject = cbor(new Map([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      credential,
      json: {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
      },
    };
  }

  /**
   * navigator.credentials.get(): `credential` (else the first allowed, else the first held)
   * signs the options' challenge, its counter moved forward unless `counter` says what to send.
   */
  assert(options, { credential, counter, origin = this.origin } = {}) {
    const allowed = options.allowCredentials?.map((entry) => entry.id) ?? [];
    const signer = credential ?? this.credentials.find((held) => allowed.length === 0 || allowed.includes(b64url(held.id)));
    if (!signer) throw new Error('no credential for these options');
    signer.counter = counter ?? signer.counter + 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(signer.counter);
    const authData = Buffer.concat([sha256(options.rpId ?? this.rpId), Buffer.from([0x01 | 0x04]), count]);
    const clientData = JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false });
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), signer.privateKey);
    return {
      id: b64url(signer.id),
      rawId: b64url(signer.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: signer.userHandle },
    };
  }
}
