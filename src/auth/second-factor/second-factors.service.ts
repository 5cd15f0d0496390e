import { Injectable } from '@nestjs/common';
import { toString as qrCodeSvg } from 'qrcode';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { AppConfig } from '../../config/app-config';
import { AccountSecurity } from '../../users/account-security';
import { UsersService } from '../../users/users.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { reauthenticate } from '../reauthentication/reauthenticate';
import { assertOneAnswer, type DisableTotpDto } from './dto/second-factor-answer.dto';
import type { RecoveryCodesDto } from './dto/recovery-codes.dto';
import type { TotpEnrolmentDto } from './dto/totp-enrolment.dto';
import { OneTimeCodes } from './one-time-codes';
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from './recovery-codes';
import { SecondFactorRepository } from './second-factor.repository';
import { open, seal } from '../../common/secret-box';
import { acceptedStep, newTotpSecret, totpSecretText, totpUri } from './totp';

/**
 * An account's second factors: enrolling an authenticator app (TOTP), its recovery codes, and
 * turning it off, by the owner; all of them removed by an administrator. Every change needs a
 * re-authentication: the current password, or a login within the last 10 minutes.
 */
@Injectable()
export class SecondFactorsService {
  constructor(
    private readonly factors: SecondFactorRepository,
    private readonly codes: OneTimeCodes,
    private readonly users: UsersService,
    private readonly security: AccountSecurity,
    private readonly passkeys: PasskeysService,
    private readonly config: AppConfig,
  ) {}

  /** A new secret for the caller's app, pending until confirmed: shown in this answer only. */
  async startTotp(caller: AuthenticatedUser, currentPassword: string | undefined, context: AuditContext): Promise<TotpEnrolmentDto> {
    const user = await this.users.callerAccount(caller);
    if (user.mfa_totp) throw problem(ErrorCode.MFA_ALREADY_ENABLED);
    await reauthenticate(this.security, caller, user, currentPassword, context);
    const secret = newTotpSecret();
    if (!(await this.factors.savePendingTotp(user.id, seal(this.codes.secretKey, String(user.id), secret)))) {
      throw problem(ErrorCode.MFA_ALREADY_ENABLED);
    }
    const uri = totpUri(secret, user.email, this.config.mfa.issuer);
    const svg = await qrCodeSvg(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret: totpSecretText(secret), otpauth_uri: uri, qr_code: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /**
   * The app's first code confirms the pending secret: from now on login asks for a code. Answers
   * the account's 10 recovery codes, which replace any earlier ones.
   */
  async confirmTotp(caller: AuthenticatedUser, code: string, context: AuditContext): Promise<RecoveryCodesDto> {
    const user = await this.users.callerAccount(caller);
    if (user.mfa_totp) throw problem(ErrorCode.MFA_ALREADY_ENABLED);
    const pending = await this.factors.totpOf(user.id);
    const secret = pending && !pending.confirmed ? open(this.codes.secretKey, String(user.id), pending.secret) : undefined;
    if (!pending || !secret) throw problem(ErrorCode.MFA_NOT_ENABLED, { key: 'problems.mfa.noPendingEnrolment' });
    const step = acceptedStep(secret, code, Date.now(), null);
    if (step === undefined) throw problem(ErrorCode.INVALID_MFA_CODE);
    const recoveryCodes = newRecoveryCodes();
    await this.factors.transaction(async (factors) => {
      // Started again meanwhile: this code was for the secret replaced.
      if (!(await factors.confirmTotp(user.id, pending.secret, step))) throw problem(ErrorCode.INVALID_MFA_CODE);
      await factors.replaceRecoveryCodes(user.id, this.hashes(recoveryCodes));
      const event = auditRecord(context, AuditAction.MFA_TOTP_ENABLED, user.id);
      if (!(await this.users.setSecondFactors({ caller }, { mfa_totp: true }, factors.manager, [event]))) throw ProblemException.unauthorized();
    });
    return { recovery_codes: recoveryCodes };
  }

  /** New recovery codes in place of the account's earlier ones, used or not. */
  async replaceRecoveryCodes(caller: AuthenticatedUser, currentPassword: string | undefined, context: AuditContext): Promise<RecoveryCodesDto> {
    const user = await this.users.callerAccount(caller);
    if (!user.mfa_totp && user.mfa_passkeys === 0) throw problem(ErrorCode.MFA_NOT_ENABLED, { key: 'problems.mfa.noSecondFactor' });
    await reauthenticate(this.security, caller, user, currentPassword, context);
    const recoveryCodes = newRecoveryCodes();
    await this.factors.replaceRecoveryCodes(user.id, this.hashes(recoveryCodes), auditRecord(context, AuditAction.MFA_RECOVERY_CODES_REPLACED, user.id));
    return { recovery_codes: recoveryCodes };
  }

  /**
   * Turns the caller's app off: re-authenticated, and proved by a current code or a recovery
   * code, so that a stolen session alone cannot drop the second factor. Its recovery codes go too,
   * unless the account has passkeys.
   */
  async disableTotp(caller: AuthenticatedUser, dto: DisableTotpDto, context: AuditContext): Promise<void> {
    assertOneAnswer(dto);
    const user = await this.users.callerAccount(caller);
    if (!user.mfa_totp) throw problem(ErrorCode.MFA_NOT_ENABLED);
    await reauthenticate(this.security, caller, user, dto.current_password, context);
    const owner = { userId: user.id, email: user.email, username: user.username };
    // A wrong code's failure is kept: the transaction returns it rather than throwing.
    const removed = await this.factors.transaction(async (factors) => {
      if (!(await this.codes.check(owner, dto, context, factors))) return false;
      await factors.deleteTotp(user.id);
      // The recovery codes stay with passkeys, which they stand in for too.
      if (user.mfa_passkeys === 0) await factors.deleteRecoveryCodes(user.id);
      await factors.endChallengesOf(user.id);
      const event = auditRecord(context, AuditAction.MFA_TOTP_DISABLED, user.id);
      if (!(await this.users.setSecondFactors({ caller }, { mfa_totp: false }, factors.manager, [event]))) throw ProblemException.unauthorized();
      return true;
    });
    if (!removed) throw problem(ErrorCode.INVALID_MFA_CODE);
  }

  /** An administrator removes every second factor of the account, and ends its sessions (a lost phone). */
  async removeAllByAdministrator(userId: number, context: AuditContext): Promise<void> {
    await this.factors.transaction(async (factors) => {
      const event = auditRecord(context, AuditAction.ADMIN_MFA_REMOVED, userId);
      const user = await this.users.setSecondFactors({ id: userId }, { mfa_totp: false, mfa_passkeys: 0 }, factors.manager, [event]);
      if (!user) throw ProblemException.userNotFound();
      await this.dropFactors(factors, userId);
      await this.passkeys.removeAllOf(factors.manager, userId);
      await this.security.endSessions(factors.manager, userId);
    });
  }

  /** The account's app, recovery codes and logins waiting for a code, gone. */
  private async dropFactors(factors: SecondFactorRepository, userId: number): Promise<void> {
    await factors.deleteTotp(userId);
    await factors.deleteRecoveryCodes(userId);
    await factors.endChallengesOf(userId);
  }

  private hashes(codes: string[]): string[] {
    return codes.map((code) => recoveryCodeHash(this.codes.secretKey, normalizeRecoveryCode(code) as string));
  }

}
