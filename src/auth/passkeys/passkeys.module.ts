import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { SessionsModule } from '../sessions/sessions.module';
import { Passkey } from './passkey.entity';
import { PasskeyCeremonies } from './passkey-ceremonies';
import { PasskeyLoginController } from './passkey-login.controller';
import { PasskeyLoginService } from './passkey-login.service';
import { PasskeysRepository } from './passkeys.repository';
import { PasskeysService } from './passkeys.service';
import { UserPasskeysController } from './user-passkeys.controller';
import { WebauthnChallenge } from './webauthn-challenge.entity';

/**
 * Passkeys (WebAuthn): registered by the owner, signing in on their own, and, through
 * PasskeyCeremonies, as the second factor of a password login (SecondFactorModule).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Passkey, WebauthnChallenge]), UsersModule, SessionsModule],
  controllers: [UserPasskeysController, PasskeyLoginController],
  providers: [PasskeysRepository, PasskeyCeremonies, PasskeysService, PasskeyLoginService],
  exports: [PasskeyCeremonies, PasskeysService],
})
export class PasskeysModule {}
