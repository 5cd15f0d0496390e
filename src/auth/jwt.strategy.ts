import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { AccessTokenClaims, AuthenticatedUser } from './authenticated-user';

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
    if (typeof sub !== 'string' || !/^[1-9][0-9]{0,9}$/.test(sub) || typeof sid !== 'string') {
      return false;
    }
    return { id: Number(sub), sessionId: sid };
  }
}
