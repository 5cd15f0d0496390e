import type { SigningKeyDto } from './dto/signing-key.dto';
import { keyStatus, LiveKey } from './signing-keys.service';

/** A live key as administrators see it: its times and public part, never the private one. */
export function signingKeyView(key: LiveKey, signingKid: string | undefined, now: number): SigningKeyDto {
  return {
    kid: key.kid,
    algorithm: key.algorithm,
    status: keyStatus(key, signingKid, now),
    source: key.source,
    published_at: key.publishedAt,
    signs_from: key.signsFrom,
    retires_at: key.retiresAt,
    public_jwk: { ...key.publicJwk },
  };
}
