import type { Locale } from '../../i18n/locale';
import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude } from 'class-transformer';
import { Allow } from 'class-validator';
import { ProblemException } from '../../common/problems/problem.exception';
import { Role } from '../../access/role.enum';
import type { UserChanges } from '../users.service';
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
  @LocaleField() locale?: Locale;
  @RoleField() role?: Role;
  @IsActiveField() is_active?: boolean;
  @ImagePathField() image_path?: string;
  @ImagePathField('profileImage')
  @ApiPropertyOptional({ description: 'the seed\'s name for image_path' })
  profileImage?: string;

  /** The path's id wins: a body id is a known field, dropped before validation. */
  @ApiHideProperty() @Allow() @Exclude({ toClassOnly: true }) id?: unknown;
}

/** Folds the seed's aliases into the real fields; sending both names of one field is refused. */
export function toUserChanges(dto: AdminUpdateUserDto): UserChanges {
  const { password_hash, profileImage, ...changes } = dto;
  return {
    ...changes,
    password: alias(changes.password, password_hash, 'password', 'password_hash'),
    image_path: alias(changes.image_path, profileImage, 'image_path', 'profileImage'),
  };
}

function alias<T>(value: T | undefined, aliased: T | undefined, name: string, aliasName: string) {
  if (value !== undefined && aliased !== undefined) {
    throw ProblemException.validation([
      { field: aliasName, message: { key: 'validation.field.sendOneName', params: { name, alias: aliasName } } },
    ]);
  }
  return value ?? aliased;
}
