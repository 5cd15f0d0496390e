import { PasswordField } from './user-fields';

/** POST /users/password */
export class ChangePasswordDto {
  // Checked against the stored hash only; any length up to bcrypt's 72 bytes may be right.
  @PasswordField('required', 'current_password', 1) current_password: string;
  @PasswordField('required', 'new_password') new_password: string;
}
