import { PasswordField } from './user-fields';

/** DELETE /users: the password again, so that a stolen token alone cannot delete the account. */
export class DeleteAccountDto {
  @PasswordField('required', 'current_password', 1) current_password: string;
}
