import type { Locale } from '../../i18n/locale';
import { Role } from '../../access/role.enum';
import {
  EmailField,
  ImagePathField,
  LocaleField,
  IsActiveField,
  NameField,
  PasswordField,
  PersonalNameField,
  PhoneNumberField,
  RoleField,
  UsernameField,
} from './user-fields';

/**
 * POST /api/users: an account made by an administrator, with any role. Without a password, the
 * owner is invited by mail to choose one.
 */
export class AdminCreateUserDto {
  @EmailField() email: string;
  @PasswordField('optional') password?: string;
  @NameField() name: string;
  @UsernameField('optional') username?: string;
  @PersonalNameField('firstname', 'John') firstname?: string | null;
  @PersonalNameField('lastname', 'Doe') lastname?: string | null;
  @PhoneNumberField() phone_number?: string | null;
  @LocaleField() locale?: Locale;
  @RoleField() role?: Role;
  @IsActiveField() is_active?: boolean;
  @ImagePathField() image_path?: string;
}
