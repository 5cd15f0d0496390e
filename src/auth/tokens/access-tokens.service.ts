import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { SigningKeysService } from '../keys/signing-keys.service';
import type { AccessTokenClaims } from './access-token-claims';

/**
 * Access tokens, signed and checked with jose: EdDSA or ES256 under the key that signs now (its
 * kid in the header), or HS256 under JWT_SECRET. Every token carries `iss`, `aud`, `iat`, `exp`
 * and a `jti` of its own, and must carry the first four to be accepted.
 */
@Injectable()
export class AccessTokensService {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly lifetimeSeconds: number;

  constructor(
    private readonly keys: SigningKeysService,
    config: AppConfig,
  ) {
    ({ issuer: this.issuer, audience: this.audience, expiresInSeconds: this.lifetimeSeconds } = config.jwt);
  }

  sign(claims: AccessTokenClaims): Promise<string> {
    const { algorithm, kid, key } = this.keys.signer();
    const now = Math.floor(Date.now() / 1000);
    // RFC 9068's type: no other JWT this service signs could pass for an access token.
    return new SignJWT({ ...claims })
      .setProtectedHeader(kid === undefined ? { alg: algorithm, typ: 'at+jwt' } : { alg: algorithm, kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.lifetimeSeconds)
      // A token id of its own, so that no two access tokens are alike, even in one second.
      .setJti(randomUUID())
      .sign(key);
  }

  /**
   * The claims of a token this service signed with a key that verifies now, unexpired, of this
   * issuer and audience; else undefined. The header's alg must be the key's: no `none`, no HS256
   * made with a public key.
   */
  async verify(token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const header = decodeProtectedHeader(token);
      const key = await this.keys.verifier(header);
      if (!key) return undefined;
      const { payload } = await jwtVerify(token, key, {
        algorithms: [header.alg as string],
        issuer: this.issuer,
        audience: this.audience,
        requiredClaims: ['exp', 'iat'],
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}
