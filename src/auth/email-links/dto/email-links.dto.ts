import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { EmailField, PasswordField } from '../../../users/dto/user-fields';
import { fieldMessage } from '../../../common/validation/field-message';

/** A link's token, as the JSON routes and the pages' forms take it. */
export const LinkTokenField = () =>
  applyDecorators(
    ApiProperty({ example: 'q8Zr1vT3yPnE5wJk0aLmXc7sUd2fGh9iBo4Kt6QeRyA', description: 'the token of the link in the mail' }),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'token' }) }),
    Length(1, 200, { message: fieldMessage('validation.field.lengthBetween', { field: 'token', min: 1, max: 200 }) }),
  );

/** POST /auth/verify-email, /auth/email-change/confirm and /auth/email-change/cancel: the link's token. */
export class LinkTokenDto {
  @LinkTokenField() token: string;
}

/** POST /auth/password/forgot */
export class ForgotPasswordDto {
  @EmailField() email: string;
}

/** POST /auth/password/reset: the token of a reset or invitation link, and the new password. */
export class ResetPasswordDto {
  @LinkTokenField() token: string;

  @PasswordField('required', 'new_password') new_password: string;
}
