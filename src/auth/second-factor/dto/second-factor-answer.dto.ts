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

/** 400 unless the answer has exactly one of `code` and `recovery_code`. */
export function assertOneAnswer(answer: SecondFactorAnswerDto): void {
  if ((answer.code === undefined) === (answer.recovery_code === undefined)) {
    throw ProblemException.validation([{ field: 'code', message: { key: 'validation.mfa.oneAnswer' } }]);
  }
}
