import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from './error-code.enum';

export class FieldErrorDto {
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty({ example: 'email must be a valid email address.' }) message: string;
}

/** ACCOUNT_EXISTS: what the account's owner can sign in with, to link the provider afterwards. */
export class SignInMethodsDto {
  @ApiProperty({ example: true }) has_password: boolean;
  @ApiProperty({ example: false }) has_passkey: boolean;
  @ApiProperty({ type: [String], example: ['github'], description: 'Ids of the linked providers (GET /auth/providers).' }) providers: string[];
}

/** RFC 9457 problem details, the body of every error. */
export class ProblemDetailsDto {
  @ApiProperty({ example: '/problems/email-taken' }) type: string;
  @ApiProperty({ example: 'Conflict' }) title: string;
  @ApiProperty({ example: 409 }) status: number;
  @ApiProperty({ example: 'An account with this email already exists.' }) detail: string;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.EMAIL_TAKEN })
  code: ErrorCode;
  @ApiProperty({ type: [FieldErrorDto], required: false }) errors?: FieldErrorDto[];
  @ApiProperty({ type: SignInMethodsDto, required: false, description: 'ACCOUNT_EXISTS only.' }) sign_in_methods?: SignInMethodsDto;
  @ApiProperty({ required: false, description: 'ROTATION_PENDING only: the published key waiting to sign.' }) kid?: string;
  @ApiProperty({ required: false, format: 'date-time', description: 'ROTATION_PENDING only: when it begins to sign.' }) signs_from?: string;
}
