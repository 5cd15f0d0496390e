import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminMfaController } from './admin-mfa.controller';
import { MfaChallenge } from './mfa-challenge.entity';
import { MfaLoginController } from './mfa-login.controller';
import { MfaLoginService } from './mfa-login.service';
import { OneTimeCodes } from './one-time-codes';
import { RecoveryCode } from './recovery-code.entity';
import { SecondFactorRepository } from './second-factor.repository';
import { SecondFactorsService } from './second-factors.service';
import { TotpFactor } from './totp-factor.entity';
import { UserMfaController } from './user-mfa.controller';

/**
 * Second factors: an authenticator app (TOTP) with recovery codes, enrolled by the owner, a
 * passkey (PasskeysModule), all removed by an administrator, and the second step of a login
 * that needs one. LoginAttempts and
 * AccountSecurity come from the global AuthModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([TotpFactor, RecoveryCode, MfaChallenge]), UsersModule, SessionsModule, PasskeysModule],
  controllers: [UserMfaController, MfaLoginController, AdminMfaController],
  providers: [SecondFactorsService, MfaLoginService, OneTimeCodes, SecondFactorRepository],
  exports: [MfaLoginService],
})
export class SecondFactorModule {}
