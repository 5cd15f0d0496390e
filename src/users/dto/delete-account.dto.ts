import { PasswordField } from './user-fields';

/**
 * DELETE /users: the password again, so that a stolen token alone cannot delete the account; an
 * account without a password (a provider's sign-up) sends none, and needs a login within 10 minutes.
 */
export class DeleteAccountDto {
  @PasswordField('optional', 'current_password', 1) current_password?: string;
}
