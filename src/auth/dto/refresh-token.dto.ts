import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, ValidateIf } from 'class-validator';
import { fieldMessage } from '../../common/validation/field-message';

const RefreshTokenField = (required: boolean) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({ example: 'k3Jx9bQ2...', description: 'from login, sign-up or refresh' }),
    ValidateIf((_dto, value) => required || value !== undefined),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'refresh_token' }) }),
    Length(1, 200, { message: fieldMessage('validation.field.lengthBetween', { field: 'refresh_token', min: 1, max: 200 }) }),
  );

/** POST /auth/refresh */
export class RefreshDto {
  @RefreshTokenField(true) refresh_token: string;
}

/** POST /auth/logout: the access token's session ends; a refresh token's session too. */
export class LogoutDto {
  @RefreshTokenField(false) refresh_token?: string;
}
