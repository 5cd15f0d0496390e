import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { fieldMessage } from '../../../common/validation/field-message';
import { SecondFactorAnswerDto } from './second-factor-answer.dto';

/** POST /auth/mfa/verify: the login's mfa_token and its second factor. */
export class MfaVerifyDto extends SecondFactorAnswerDto {
  @ApiProperty({ example: 'Vx3k9bQ2...', description: "from the login's answer; lives 5 minutes" })
  @IsString({ message: fieldMessage('validation.field.notString', { field: 'mfa_token' }) })
  @Length(1, 200, { message: fieldMessage('validation.field.lengthBetween', { field: 'mfa_token', min: 1, max: 200 }) })
  mfa_token: string;
}
