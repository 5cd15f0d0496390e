import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { PasswordField } from '../../users/dto/user-fields';
import { normalizeEmail } from '../../users/email-address';
import { fieldMessage } from '../../common/validation/field-message';

/** The email is looked up as it is stored: normalised as at sign-up (a wrong one is 401). */
const LoginEmail = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'jane.doe@example.com', description: 'or username' }),
    ValidateIf((dto: LoginDto) => dto.username === undefined || dto.email !== undefined),
    Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsString({ message: fieldMessage('validation.email.orUsername') }),
    MaxLength(254, { message: fieldMessage('validation.field.maxLength', { field: 'email', max: 254 }) }),
  );

const LoginUsername = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'janedoe_123', description: 'instead of email' }),
    ValidateIf((dto: LoginDto) => dto.username !== undefined),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'username' }) }),
    MaxLength(30, { message: fieldMessage('validation.field.maxLength', { field: 'username', max: 30 }) }),
  );

/** Either email or username identifies the account. Formats are not checked: a wrong one is 401. */
export class LoginDto {
  @LoginEmail() email?: string;
  @LoginUsername() username?: string;
  // Only the upper bound matters here: bcrypt would otherwise match on the first 72 bytes.
  @PasswordField('required', 'password', 1) password: string;
}
