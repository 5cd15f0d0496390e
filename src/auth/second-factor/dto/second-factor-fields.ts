import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, ValidateIf } from 'class-validator';
import { fieldMessage } from '../../../common/validation/field-message';

/** A code of the authenticator app: six digits. */
export const TotpCodeField = (required: boolean) =>
  applyDecorators(
    ApiPropertyOptional({ example: '123456', pattern: '^[0-9]{6}$', description: 'the code the authenticator app shows now' }),
    ValidateIf((_dto, value) => required || value !== undefined),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'code' }) }),
    Matches(/^\d{6}$/, { message: fieldMessage('validation.mfa.code', { field: 'code' }) }),
  );

/** A recovery code as printed (`XXXXX-XXXXX`), in any case, with or without its dash. */
export const RecoveryCodeField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'K7M2Q-9XH4B', minLength: 10, maxLength: 16, description: 'one of the recovery codes, each usable once' }),
    ValidateIf((_dto, value) => value !== undefined),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'recovery_code' }) }),
    Matches(/^[0-9A-Za-z][0-9A-Za-z -]{8,14}[0-9A-Za-z]$/, { message: fieldMessage('validation.mfa.recoveryCode', { field: 'recovery_code' }) }),
  );
