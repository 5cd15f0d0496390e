import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingHttpHeaders } from 'node:http';
import { Strategy } from 'passport-jwt';
import { parseId } from '../common/id';
import { AppConfig } from '../config/app-config';
import { AccessTokenClaims, AuthenticatedUser } from './authenticated-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `Bearer <jwt>` and nothing else: the scheme in any case, one or more spaces, one token. */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** The access token of the Authorization header, or null; passport-jwt's own pattern is unanchored. */
export function bearerToken(request: { headers: IncomingHttpHeaders }): string | null {
  return BEARER.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

/** Verifies the bearer token's HS256 signature and lifetime; any other algorithm is refused. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: bearerToken,
      // passport-jwt's types predate KeyObject; it hands the key to jsonwebtoken, which takes it.
      secretOrKey: config.jwt.key as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** The claims this service signs, all of them: a token without `exp` would never expire. */
  validate(claims: Partial<AccessTokenClaims> & { exp?: unknown }): AuthenticatedUser | false {
    const { sub, sid, exp } = claims ?? {};
    const id = typeof sub === 'string' ? parseId(sub) : undefined;
    if (id === undefined || typeof sid !== 'string' || !UUID.test(sid) || typeof exp !== 'number') {
      return false;
    }
    return { id, sessionId: sid };
  }
}
