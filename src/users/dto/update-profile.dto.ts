import {
  EmailField,
  ImagePathField,
  NameField,
  PersonalNameField,
  PhoneNumberField,
  UsernameField,
} from './user-fields';

/** PUT /users: what a user may change of their own profile. Anything else is refused by name. */
export class UpdateProfileDto {
  @EmailField('optional') email?: string;
  @NameField('optional') name?: string;
  @UsernameField('optional') username?: string;
  @ImagePathField() image_path?: string;
  @PersonalNameField('firstname', 'Jane') firstname?: string | null;
  @PersonalNameField('lastname', 'Doe') lastname?: string | null;
  @PhoneNumberField() phone_number?: string | null;
}
