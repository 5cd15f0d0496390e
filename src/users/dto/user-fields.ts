import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { emailProblem, INVISIBLE, normalizeEmail } from '../email-address';
import { fieldMessage } from '../../common/validation/field-message';
import { Role } from '../../access/role.enum';
import { DEFAULT_LOCALE, LOCALES } from '../../i18n/locale';

// The field rules of docs/api.md, one decorator a field, shared by every DTO that takes the field.
// NUL characters are refused for every field at once by StrictValidationPipe.

type Presence = 'required' | 'optional' | 'nullable';

const USERNAME = /^[A-Za-z0-9_.-]{3,30}$/;
const E164 = /^\+[0-9]{8,15}$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
// A relative reference: URI path characters only, not `//host` nor `scheme:`, no `..` segment.
const RELATIVE_PATH = /^(?!\/\/)(?![A-Za-z][A-Za-z0-9+.-]*:)[A-Za-z0-9._~!$&'()*+,;=:@/-]+$/;
const DOT_DOT_SEGMENT = /(^|\/)\.\.(\/|$)/;

const trimmed = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** `optional`: may be left out, never null. `nullable`: may also be null. */
function presence(kind: Presence, api: ApiPropertyOptions): PropertyDecorator {
  const docs =
    kind === 'required' ? ApiProperty(api) : ApiPropertyOptional({ ...api, ...(kind === 'nullable' && { nullable: true }) });
  if (kind === 'required') return docs;
  const skip =
    kind === 'nullable'
      ? (value: unknown) => value !== undefined && value !== null
      : (value: unknown) => value !== undefined;
  return applyDecorators(docs, ValidateIf((_object, value) => skip(value)));
}

/** Stored normalised (see normalizeEmail), so that look-alikes meet the unique index. */
export const EmailField = (kind: Presence = 'required') =>
  applyDecorators(
    presence(kind, { example: 'jane.doe@example.com', maxLength: 254, format: 'email' }),
    Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'email' }) }),
    ValidateBy({
      name: 'isAccountEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && emailProblem(value) === undefined,
        defaultMessage: (args) => {
          const problem = typeof args?.value === 'string' ? emailProblem(args.value) : undefined;
          return problem ? fieldMessage(problem.key, problem.params)() : fieldMessage('validation.field.notString', { field: 'email' })();
        },
      },
    }),
  );

/** Text shown to people: nothing invisible in it (zero-width spaces, direction marks, controls). */
const Visible = (field: string) =>
  ValidateBy({
    name: 'isVisible',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !INVISIBLE.test(value),
      defaultMessage: fieldMessage('validation.field.invisible', { field }),
    },
  });

export const UsernameField = (kind: Presence = 'required') =>
  applyDecorators(
    presence(kind, { example: 'janedoe_123', pattern: USERNAME.source }),
    IsString({ message: fieldMessage('validation.field.notString', { field: 'username' }) }),
    Matches(USERNAME, { message: fieldMessage('validation.username.pattern') }),
  );

export const NameField = (kind: Presence = 'required') =>
  applyDecorators(
    presence(kind, { example: 'Jane Doe', minLength: 1, maxLength: 100 }),
    trimmed,
    IsString({ message: fieldMessage('validation.field.notString', { field: 'name' }) }),
    Visible('name'),
    Length(1, 100, { message: fieldMessage('validation.field.lengthBetween', { field: 'name', min: 1, max: 100 }) }),
  );

/** firstname and lastname: trimmed; an empty string clears the field (stored as null). */
export const PersonalNameField = (field: 'firstname' | 'lastname', example: string) =>
  applyDecorators(
    presence('nullable', { type: String, example, maxLength: 100 }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() || null : value)),
    IsString({ message: fieldMessage('validation.field.notStringOrNull', { field }) }),
    Visible(field),
    MaxLength(100, { message: fieldMessage('validation.field.maxLength', { field, max: 100 }) }),
  );

/** The account's language for mails and pages: optional, never null. */
export const LocaleField = () =>
  applyDecorators(
    presence('optional', { enum: LOCALES, enumName: 'Locale', example: DEFAULT_LOCALE }),
    IsIn(LOCALES, { message: fieldMessage('validation.locale.oneOf') }),
  );

export const PhoneNumberField = () =>
  applyDecorators(
    presence('nullable', { type: String, example: '+1234567890', pattern: E164.source }),
    IsString({ message: fieldMessage('validation.field.notStringOrNull', { field: 'phone_number' }) }),
    Matches(E164, { message: fieldMessage('validation.phoneNumber.pattern') }),
  );

const isImagePath = (value: unknown) =>
  typeof value === 'string' &&
  value.length <= 512 &&
  (HTTP_URL.test(value) || (RELATIVE_PATH.test(value) && !DOT_DOT_SEGMENT.test(value)));

export const ImagePathField = (field = 'image_path') =>
  applyDecorators(
    presence('optional', { example: 'profile-pictures/jane.jpg', maxLength: 512 }),
    ValidateBy({
      name: 'isImagePath',
      validator: {
        validate: isImagePath,
        defaultMessage: fieldMessage('validation.field.imagePath', { field }),
      },
    }),
  );

/** 8 to 72 bytes of UTF-8: bcrypt reads no further, so longer is refused, never cut. */
export const PasswordField = (kind: Presence = 'required', field = 'password', minBytes = 8) =>
  applyDecorators(
    presence(kind, { example: 'correct-horse-battery', minLength: minBytes, maxLength: 72 }),
    ValidateBy({
      name: 'isPassword',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          !value.includes('\u0000') &&
          Buffer.byteLength(value, 'utf8') >= minBytes &&
          Buffer.byteLength(value, 'utf8') <= 72,
        defaultMessage: fieldMessage('validation.field.passwordBytes', { field, min: minBytes }),
      },
    }),
  );

export const RoleField = () =>
  applyDecorators(
    presence('optional', { enum: Role, enumName: 'Role', example: Role.USER }),
    IsEnum(Role, { message: fieldMessage('validation.field.oneOf', { field: 'role', values: 'USER, ADMIN, DRIVER' }) }),
  );

export const IsActiveField = () =>
  applyDecorators(
    presence('optional', { example: true }),
    IsBoolean({ message: fieldMessage('validation.field.jsonBoolean', { field: 'is_active' }) }),
  );
