import { Injectable } from '@nestjs/common';
import passport from 'passport';
import { Strategy, StrategyOptionsWithoutRequest, VerifiedCallback } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { bearerToken, callerFromClaims } from './access-token-claims';

/** The name JwtAuthGuard asks passport for. */
export const JWT_STRATEGY = 'jwt';

/** The same checks as the signing side's: HS256 only, and the configured `iss` and `aud` required. */
export function jwtStrategyOptions(config: AppConfig): StrategyOptionsWithoutRequest {
  const { key, issuer, audience } = config.jwt;
  return {
    jwtFromRequest: bearerToken,
    // Made once (AppConfig): given a string, jsonwebtoken would parse it as a key on every request.
    // passport-jwt's types predate KeyObject; it hands the key to jsonwebtoken, which takes it.
    secretOrKey: key as unknown as Buffer,
    algorithms: ['HS256'],
    issuer,
    audience,
  };
}

/** The caller the verified claims name, or false (passport's "no user") for claims this service does not sign. */
function verifyClaims(claims: unknown, done: VerifiedCallback): void {
  done(null, callerFromClaims(claims) ?? false);
}

/**
 * Access tokens, as a passport strategy: passport-jwt checks the signature and lifetime in
 * process, without I/O, and `verifyClaims` the claims. Whether the session is still open is
 * the route's own statement's business. Other ways to sign in are other strategies beside it.
 *
 * It registers itself, as @nestjs/passport's PassportStrategy would, but with a verify callback
 * that answers at once: PassportStrategy wraps `validate` in an async function, which made every
 * authenticated request wait on promises and cost 11% more CPU on GET /users (bench/README.md).
 */
@Injectable()
export class JwtStrategy extends Strategy {
  constructor(config: AppConfig) {
    super(jwtStrategyOptions(config), verifyClaims);
    passport.use(JWT_STRATEGY, this);
  }

  /** jsonwebtoken throws, rather than answering an error, on a signed payload that is not an object (`null`). */
  override authenticate(...args: Parameters<Strategy['authenticate']>): void {
    try {
      super.authenticate(...args);
    } catch {
      this.fail('unreadable token', 401);
    }
  }
}
