import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { AuthenticationCredentialDto } from '../../passkeys/dto/webauthn-credential.dto';
import { fieldMessage } from '../../../common/validation/field-message';
import { SecondFactorAnswerDto } from './second-factor-answer.dto';

const MfaTokenField = () =>
  applyDecorators(
    ApiProperty({ example: 'Vx3k9bQ2...', description: "from the login's answer; lives 5 minutes" }),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'mfa_token' }) }),
    Length(1, 200, { message: fieldMessage('validation.field.lengthBetween', { field: 'mfa_token', min: 1, max: 200 }) }),
  );

/** POST /auth/mfa/passkey/options: the login waiting for a passkey. */
export class MfaPasskeyOptionsDto {
  @MfaTokenField() mfa_token: string;
}

/** POST /auth/mfa/verify: the login's mfa_token and its second factor: a code, a recovery code or a passkey's signature. */
export class MfaVerifyDto extends SecondFactorAnswerDto {
  @MfaTokenField() mfa_token: string;

  @ApiPropertyOptional({ type: AuthenticationCredentialDto, description: 'a passkey\'s signature of the challenge of POST /auth/mfa/passkey/options' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  @IsObject({ message: fieldMessage('validation.passkey.object', { field: 'passkey' }) })
  passkey?: AuthenticationCredentialDto;
}
