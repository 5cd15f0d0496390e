import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { AccessTokensService } from './access-tokens.service';
import { JwtStrategy } from './jwt.strategy';

/**
 * Signing and checking access tokens: SessionsService signs them with AccessTokensService;
 * JwtStrategy, registered with passport as it is made, checks them for the global JwtAuthGuard.
 */
@Module({
  imports: [KeysModule],
  providers: [AccessTokensService, JwtStrategy],
  exports: [AccessTokensService],
})
export class AccessTokenModule {}
