import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { parseId } from '../common/id';
import { AppConfig } from '../config/app-config';
import { AccessTokenClaims, AuthenticatedUser } from './authenticated-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verifies the bearer token's HS256 signature and lifetime; any other algorithm is refused. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: Partial<AccessTokenClaims>): AuthenticatedUser | false {
    const { sub, sid } = claims;
    const id = typeof sub === 'string' ? parseId(sub) : undefined;
    if (id === undefined || typeof sid !== 'string' || !UUID.test(sid)) return false;
    return { id, sessionId: sid };
  }
}
