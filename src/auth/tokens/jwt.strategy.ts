import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { AppConfig } from '../../config/app-config';
import { bearerToken, callerFromClaims } from './access-token-claims';
import { VerifiedTokens } from './verified-tokens';

/** The name JwtAuthGuard asks passport for. */
export const JWT_STRATEGY = 'jwt';

/** The request as passport's types name it (Express's); Fastify's raw request here. */
type PassportRequest = Parameters<Strategy['authenticate']>[0];

/** Bounds the memory of the tokens remembered: 10,000 tokens of about 300 bytes. */
const VERIFIED_TOKENS_CACHED = 10_000;

/**
 * Access tokens, as a passport strategy: passport-jwt checks the signature (HS256 only), the
 * lifetime and the configured `iss` and `aud` in process, without I/O; `validate` the claims.
 * Whether the session is still open is the route's own statement's business. Other ways to
 * sign in are other strategies beside it.
 *
 * A token verified once is remembered until its `exp` (VerifiedTokens): a hit skips decoding,
 * the HMAC and the promise of `validate`, 2 µs instead of 22 (docs/decisions.md).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS_CACHED);

  constructor(config: AppConfig) {
    const { key, issuer, audience } = config.jwt;
    super({
      jwtFromRequest: bearerToken,
      // A KeyObject: jsonwebtoken takes it as it is (its types predate it).
      secretOrKey: key as unknown as Buffer,
      algorithms: ['HS256'],
      issuer,
      audience,
      passReqToCallback: true,
    });
  }

  override authenticate(request: PassportRequest, options?: object): void {
    const token = bearerToken(request);
    const known = token === null ? undefined : this.verified.get(token);
    if (known) return this.success(known);
    try {
      super.authenticate(request, options);
    } catch {
      // jsonwebtoken throws on a well-signed payload that is not an object (null): a bad token, not a fault.
      this.fail('invalid token', 401);
    }
  }

  /** Returns the caller of verified claims, or false for claims this service does not sign (no `exp`, say). */
  validate(request: IncomingMessage, claims: unknown): AuthenticatedUser | false {
    const caller = callerFromClaims(claims);
    if (!caller) return false;
    this.verified.set(bearerToken(request) as string, caller, (claims as { exp: number }).exp);
    return caller;
  }
}
