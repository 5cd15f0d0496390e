import { Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import { AppConfig } from '../../config/app-config';
import { accountNames, LoginAttempts } from '../lockout/login-attempts';
import type { SecondFactorAnswerDto } from './dto/second-factor-answer.dto';
import { normalizeRecoveryCode, recoveryCodeHash } from './recovery-codes';
import { SecondFactorRepository } from './second-factor.repository';
import { open, secretBoxKey } from '../../common/secret-box';
import { acceptedStep } from './totp';

/** The account whose code is checked, with the names its lockout counts on. */
export interface CodeOwner {
  userId: number;
  email: string;
  username: string;
}

/** How a code proved the account's holder: the app's code, or a recovery code (spent). */
export type CodeMethod = 'totp' | 'recovery_code';

/**
 * The account's one-time codes: a current code of its authenticator app (each time step taken
 * once) or an unused recovery code (spent by its use). Every check is a login attempt on the
 * account's names, so that guesses spread over many logins or routes meet one lockout.
 */
@Injectable()
export class OneTimeCodes {
  private readonly key: Buffer;

  constructor(
    private readonly attempts: LoginAttempts,
    config: AppConfig,
  ) {
    this.key = secretBoxKey(config.mfa.encryptionKey);
  }

  /** The key of the account's sealed secret and of its recovery codes' hashes. */
  get secretKey(): Buffer {
    return this.key;
  }

  /**
   * Checks and spends `answer` (exactly one of its fields set), with `repository` bound to the
   * caller's transaction when there is one; its events are written there. Undefined for a wrong,
   * replayed or spent code. Throws 429 while the account's names are locked.
   */
  async check(owner: CodeOwner, answer: SecondFactorAnswerDto, context: AuditContext, repository: SecondFactorRepository): Promise<CodeMethod | undefined> {
    const attempt = await this.attempts.begin(accountNames(owner), context.origin.ip);
    try {
      const method: CodeMethod = answer.code !== undefined ? 'totp' : 'recovery_code';
      const valid = method === 'totp' ? await this.takeCode(owner.userId, answer.code ?? '', repository) : await this.spendRecoveryCode(owner.userId, answer.recovery_code ?? '', repository);
      if (!valid) {
        await attempt.failed();
        await repository.record(auditRecord(context, AuditAction.MFA_FAILED, owner.userId, { method }));
        return undefined;
      }
      await attempt.succeeded();
      if (method === 'recovery_code') {
        const left = await repository.recoveryCodesLeft(owner.userId);
        await repository.record(auditRecord(context, AuditAction.MFA_RECOVERY_CODE_USED, owner.userId, { recovery_codes_left: left }));
      }
      return method;
    } finally {
      await attempt.abandon();
    }
  }

  /** The confirmed factor's secret, opened; undefined when there is none (or it no longer opens). */
  private async secretOf(userId: number, repository: SecondFactorRepository): Promise<{ secret: Buffer; lastUsedStep: number | null } | undefined> {
    const stored = await repository.totpOf(userId);
    if (!stored?.confirmed) return undefined;
    const secret = open(this.key, String(userId), stored.secret);
    return secret && { secret, lastUsedStep: stored.lastUsedStep };
  }

  private async takeCode(userId: number, code: string, repository: SecondFactorRepository): Promise<boolean> {
    const factor = await this.secretOf(userId, repository);
    const step = factor && acceptedStep(factor.secret, code, Date.now(), factor.lastUsedStep);
    return step !== undefined && (await repository.claimStep(userId, step));
  }

  private async spendRecoveryCode(userId: number, typed: string, repository: SecondFactorRepository): Promise<boolean> {
    const code = normalizeRecoveryCode(typed);
    return code !== undefined && (await repository.spendRecoveryCode(userId, recoveryCodeHash(this.key, code)));
  }
}
