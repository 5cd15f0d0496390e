import type { Locale } from '../../i18n/locale';
import { EmailField, LocaleField, NameField, PasswordField, UsernameField } from '../../users/dto/user-fields';

export class RegisterDto {
  @EmailField() email: string;
  @PasswordField() password: string;
  @NameField() name: string;
  /** Generated from the email when left out. */
  @UsernameField('optional') username?: string;
  /** The Accept-Language header's choice when left out. */
  @LocaleField() locale?: Locale;
}
