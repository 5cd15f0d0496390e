import type { SigningKeyDto } from './dto/signing-key.dto';
import type { LiveKey } from './signing-keys.service';

/** A live key as administrators see it: its times and public part, never the private one. */
export function signingKeyView(key: LiveKey, signingKid: string | undefined, now: number): SigningKeyDto {
  const status = key.kid === signingKid ? 'signing' : key.signsFrom === null || key.signsFrom.getTime() > now ? 'next' : 'retiring';
  return {
    kid: key.kid,
    algorithm: key.algorithm,
    status,
    source: key.source,
    published_at: key.publishedAt,
    signs_from: key.signsFrom,
    retires_at: key.retiresAt,
    public_jwk: { ...key.publicJwk },
  };
}
