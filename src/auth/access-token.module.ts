import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AccessTokenService } from './access-token.service';

/** Signing and checking access tokens: for AuthModule, and for every guarded controller's module. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // @nestjs/jwt's types predate KeyObject; jsonwebtoken takes it.
        secret: config.jwt.key as unknown as Buffer,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [AccessTokenService],
  exports: [JwtModule, AccessTokenService],
})
export class AccessTokenModule {}
