import { Injectable } from '@nestjs/common';
import { createSigner, createVerifier } from 'fast-jwt';
import { KeyObject, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { SigningKeysService, TokenSigner } from '../keys/signing-keys.service';
import type { AccessTokenClaims } from './access-token-claims';

type Sign = (payload: Record<string, unknown>) => string;
type Verify = (token: string) => Record<string, unknown>;

/**
 * Access tokens, signed and checked with fast-jwt: EdDSA or ES256 under the key that signs now
 * (its kid in the header), or HS256 under JWT_SECRET. Every token carries `iss`, `aud`, `iat`,
 * `exp` and a `jti` of its own, and must carry the first four to be accepted.
 *
 * fast-jwt calls node:crypto on the event loop, some 40 µs a signature and 100 µs a check: jose's
 * WebCrypto runs them on libuv's thread pool, where a refresh waited 6 s behind the bcrypt of 60
 * logins (bench/tokens-during-logins.mjs, docs/decisions.md).
 */
@Injectable()
export class AccessTokensService {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly lifetimeSeconds: number;
  /** A signer and a verifier a key, made at its first use; they go with the key. */
  private readonly signers = new WeakMap<KeyObject, Sign>();
  private readonly verifiers = new WeakMap<KeyObject, Verify>();

  constructor(
    private readonly keys: SigningKeysService,
    config: AppConfig,
  ) {
    ({ issuer: this.issuer, audience: this.audience, expiresInSeconds: this.lifetimeSeconds } = config.jwt);
  }

  sign(claims: AccessTokenClaims): string {
    const signer = this.keys.signer();
    let sign = this.signers.get(signer.key);
    if (!sign) this.signers.set(signer.key, (sign = this.signerOf(signer)));
    // A token id of its own, so that no two access tokens are alike, even in one second.
    return sign({ ...claims, jti: randomUUID() });
  }

  /**
   * The claims of a token this service signed with a key that verifies now, unexpired, of this
   * issuer and audience; else undefined. The header's alg must be the key's own: no `none`, no
   * HS256 made with a public key.
   */
  async verify(token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString()) as { alg?: unknown; kid?: unknown };
      const key = await this.keys.verifier(header);
      if (!key) return undefined;
      let verify = this.verifiers.get(key);
      if (!verify) this.verifiers.set(key, (verify = this.verifierOf(key, header.alg as TokenSigner['algorithm'])));
      return verify(token);
    } catch {
      return undefined;
    }
  }

  private signerOf({ algorithm, kid, key }: TokenSigner): Sign {
    return createSigner({
      algorithm,
      kid,
      // fast-jwt takes a PEM key, or HS256's secret.
      key: algorithm === 'HS256' ? key.export() : key.export({ type: 'pkcs8', format: 'pem' }),
      iss: this.issuer,
      aud: this.audience,
      expiresIn: this.lifetimeSeconds * 1000,
      // RFC 9068's type: no other JWT this service signs could pass for an access token.
      header: { alg: algorithm, typ: 'at+jwt' },
    });
  }

  private verifierOf(key: KeyObject, algorithm: TokenSigner['algorithm']): Verify {
    return createVerifier({
      algorithms: [algorithm],
      key: algorithm === 'HS256' ? key.export() : key.export({ type: 'spki', format: 'pem' }),
      allowedIss: this.issuer,
      allowedAud: this.audience,
      // fast-jwt checks iss and aud only when present: required, so that a token without them is refused.
      requiredClaims: ['iss', 'aud', 'exp', 'iat'],
      // JwtStrategy remembers verified tokens itself (VerifiedTokens).
      cache: false,
    });
  }
}
