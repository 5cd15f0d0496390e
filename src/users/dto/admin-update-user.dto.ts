import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude } from 'class-transformer';
import { Allow } from 'class-validator';
import { Role } from '../role.enum';
import {
  EmailField,
  ImagePathField,
  IsActiveField,
  NameField,
  PasswordField,
  PersonalNameField,
  PhoneNumberField,
  RoleField,
  UsernameField,
} from './user-fields';

/**
 * PUT /api/users/:id. `password_hash` and `profileImage` are the seed document's names for
 * `password` (plain text, hashed here) and `image_path`.
 */
export class AdminUpdateUserDto {
  @UsernameField('optional') username?: string;
  @EmailField('optional') email?: string;
  @PasswordField('optional') password?: string;
  @PasswordField('optional', 'password_hash')
  @ApiPropertyOptional({ description: 'the seed\'s name for password: a plain-text password, hashed by the server' })
  password_hash?: string;
  @PersonalNameField('firstname', 'John') firstname?: string | null;
  @PersonalNameField('lastname', 'Doe') lastname?: string | null;
  @NameField('optional') name?: string;
  @PhoneNumberField() phone_number?: string | null;
  @RoleField() role?: Role;
  @IsActiveField() is_active?: boolean;
  @ImagePathField() image_path?: string;
  @ImagePathField('profileImage')
  @ApiPropertyOptional({ description: 'the seed\'s name for image_path' })
  profileImage?: string;

  /** The path's id wins: a body id is a known field, dropped before validation. */
  @ApiHideProperty() @Allow() @Exclude({ toClassOnly: true }) id?: unknown;
}
