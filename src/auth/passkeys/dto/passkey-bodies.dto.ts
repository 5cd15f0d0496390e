import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { fieldMessage } from '../../../common/validation/field-message';
import { AuthenticationCredentialDto, RegistrationCredentialDto } from './webauthn-credential.dto';

/** POST /users/passkeys: the browser's new credential, and what to call it. */
export class RegisterPasskeyDto {
  @ApiProperty({ type: RegistrationCredentialDto })
  @ValidateNested()
  @Type(() => RegistrationCredentialDto)
  @IsObject({ message: fieldMessage('validation.passkey.object', { field: 'credential' }) })
  credential: RegistrationCredentialDto;

  @ApiPropertyOptional({ example: 'MacBook Touch ID', minLength: 1, maxLength: 64, description: 'defaults to the device the request came from' })
  @IsOptional()
  @IsString({ message: fieldMessage('validation.field.notString', { field: 'name' }) })
  @Length(1, 64, { message: fieldMessage('validation.field.lengthBetween', { field: 'name', min: 1, max: 64 }) })
  name?: string;
}

/** PUT /users/passkeys/:id */
export class RenamePasskeyDto {
  @ApiProperty({ example: 'Work laptop', minLength: 1, maxLength: 64 })
  @IsString({ message: fieldMessage('validation.field.notString', { field: 'name' }) })
  @Length(1, 64, { message: fieldMessage('validation.field.lengthBetween', { field: 'name', min: 1, max: 64 }) })
  name: string;
}

/** POST /auth/passkey/login: a passkey's signature of the challenge of POST /auth/passkey/options. */
export class PasskeyLoginDto {
  @ApiProperty({ type: AuthenticationCredentialDto })
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  @IsObject({ message: fieldMessage('validation.passkey.object', { field: 'credential' }) })
  credential: AuthenticationCredentialDto;
}
