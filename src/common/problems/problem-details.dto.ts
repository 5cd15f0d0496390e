import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from './error-code.enum';

export class FieldErrorDto {
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty({ example: 'email must be a valid email address.' }) message: string;
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
}
