import { Module } from '@nestjs/common';
import { JwtModule, JwtModuleOptions } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config';
import { JwtStrategy } from './jwt.strategy';

/**
 * How access tokens are signed and checked: HS256 only, and `iss` and `aud` set on each and
 * required of each, so that a token made for another service with the same key is refused.
 * JwtService adds these to the options of each sign and verify call.
 */
export function accessTokenJwtOptions(config: AppConfig): JwtModuleOptions {
  const { key, issuer, audience } = config.jwt;
  return {
    // @nestjs/jwt's types predate KeyObject; jsonwebtoken takes it.
    secret: key as unknown as Buffer,
    signOptions: { algorithm: 'HS256', issuer, audience },
    verifyOptions: { algorithms: ['HS256'], issuer, audience },
  };
}

/**
 * Signing and checking access tokens: SessionsService signs them with JwtService; JwtStrategy,
 * registered with passport as it is made, checks them for the global JwtAuthGuard.
 */
@Module({
  imports: [JwtModule.registerAsync({ inject: [AppConfig], useFactory: accessTokenJwtOptions })],
  providers: [JwtStrategy],
  exports: [JwtModule],
})
export class AccessTokenModule {}
