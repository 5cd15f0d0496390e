import { ProblemException } from '../../../common/problems/problem.exception';
import { PasswordField } from '../../../users/dto/user-fields';
import { RecoveryCodeField, TotpCodeField } from './second-factor-fields';

/** A code of the app or a recovery code: exactly one. */
export class SecondFactorAnswerDto {
  @TotpCodeField(false) code?: string;
  @RecoveryCodeField() recovery_code?: string;
}

/** DELETE /users/mfa/totp: re-authenticated, and a code or a recovery code besides. */
export class DisableTotpDto extends SecondFactorAnswerDto {
  @PasswordField('optional', 'current_password', 1) current_password?: string;
}

/**
 * 400 unless exactly one of the answers a route takes was sent: `code` or `recovery_code` (and,
 * at login, `passkey`).
 */
export function assertOneAnswer(answer: SecondFactorAnswerDto & { passkey?: unknown }, takesPasskey = false): void {
  if ([answer.code, answer.recovery_code, answer.passkey].filter((given) => given !== undefined).length !== 1) {
    const key = takesPasskey ? 'validation.mfa.oneVerifyAnswer' : 'validation.mfa.oneAnswer';
    throw ProblemException.validation([{ field: 'code', message: { key } }]);
  }
}
