import type { Locale } from '../../i18n/locale';
import {
  EmailField,
  PasswordField,
  ImagePathField,
  LocaleField,
  NameField,
  PersonalNameField,
  PhoneNumberField,
  UsernameField,
} from './user-fields';

/**
 * PUT /users: what a user may change of their own profile. Anything else is refused by name. A
 * new email waits for its link, and needs the current password (an account without one: a login
 * within the last 10 minutes).
 */
export class UpdateProfileDto {
  @EmailField('optional') email?: string;
  @PasswordField('optional', 'current_password', 1) current_password?: string;
  @NameField('optional') name?: string;
  @UsernameField('optional') username?: string;
  @ImagePathField() image_path?: string;
  @PersonalNameField('firstname', 'Jane') firstname?: string | null;
  @PersonalNameField('lastname', 'Doe') lastname?: string | null;
  @PhoneNumberField() phone_number?: string | null;
  @LocaleField() locale?: Locale;
}
