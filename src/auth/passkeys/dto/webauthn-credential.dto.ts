import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { fieldMessage } from '../../../common/validation/field-message';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A base64url string of at most `max` characters, as WebAuthn's JSON forms carry bytes. */
const Base64UrlField = (field: string, max: number, required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({ type: String, pattern: BASE64URL.source, maxLength: max }),
    ...(required ? [] : [IsOptional()]),
    IsString({ message: fieldMessage('validation.field.notString', { field }) }),
    MaxLength(max, { message: fieldMessage('validation.field.maxLength', { field, max }) }),
    Matches(BASE64URL, { message: fieldMessage('validation.passkey.base64url', { field }) }),
  );

const ClientExtensionResultsField = () =>
  applyDecorators(
    ApiProperty({ type: 'object', additionalProperties: true, example: {} }),
    IsObject({ message: fieldMessage('validation.passkey.object', { field: 'clientExtensionResults' }) }),
  );

const CredentialTypeField = () =>
  applyDecorators(
    ApiProperty({ enum: ['public-key'] }),
    IsIn(['public-key'], { message: fieldMessage('validation.field.oneOf', { field: 'type', values: 'public-key' }) }),
  );

const AttachmentField = () =>
  applyDecorators(
    ApiPropertyOptional({ enum: ['platform', 'cross-platform'] }),
    IsOptional(),
    IsIn(['platform', 'cross-platform'], { message: fieldMessage('validation.field.oneOf', { field: 'authenticatorAttachment', values: 'platform, cross-platform' }) }),
  );

/** The authenticator's answer to a registration, as `PublicKeyCredential.toJSON()` has it. */
export class AttestationResponseDto {
  @Base64UrlField('response.clientDataJSON', 4096) clientDataJSON: string;
  @Base64UrlField('response.attestationObject', 32768) attestationObject: string;
  @Base64UrlField('response.authenticatorData', 16384, false) authenticatorData?: string;
  @Base64UrlField('response.publicKey', 4096, false) publicKey?: string;

  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @IsInt({ message: fieldMessage('validation.field.wholeNumberFrom', { field: 'response.publicKeyAlgorithm', min: -65536 }) })
  publicKeyAlgorithm?: number;

  @ApiPropertyOptional({ type: [String], maxItems: 8 })
  @IsOptional()
  @ArrayMaxSize(8, { message: fieldMessage('validation.passkey.transports', { field: 'response.transports' }) })
  @IsString({ each: true, message: fieldMessage('validation.passkey.transports', { field: 'response.transports' }) })
  @MaxLength(16, { each: true, message: fieldMessage('validation.passkey.transports', { field: 'response.transports' }) })
  transports?: string[];
}

/** The authenticator's answer to a login, as `PublicKeyCredential.toJSON()` has it. */
export class AssertionResponseDto {
  @Base64UrlField('response.clientDataJSON', 4096) clientDataJSON: string;
  @Base64UrlField('response.authenticatorData', 4096) authenticatorData: string;
  @Base64UrlField('response.signature', 2048) signature: string;
  @Base64UrlField('response.userHandle', 128, false) userHandle?: string;
}

/** A new passkey, as the browser's `navigator.credentials.create()` made it. */
export class RegistrationCredentialDto {
  @Base64UrlField('id', 1400) id: string;
  @Base64UrlField('rawId', 1400) rawId: string;
  @CredentialTypeField() type: 'public-key';
  @AttachmentField() authenticatorAttachment?: 'platform' | 'cross-platform';
  @ClientExtensionResultsField() clientExtensionResults: Record<string, unknown>;

  @ApiProperty({ type: AttestationResponseDto })
  @ValidateNested()
  @Type(() => AttestationResponseDto)
  @IsObject({ message: fieldMessage('validation.passkey.object', { field: 'response' }) })
  response: AttestationResponseDto;
}

/** A passkey's signature of a challenge, as the browser's `navigator.credentials.get()` made it. */
export class AuthenticationCredentialDto {
  @Base64UrlField('id', 1400) id: string;
  @Base64UrlField('rawId', 1400) rawId: string;
  @CredentialTypeField() type: 'public-key';
  @AttachmentField() authenticatorAttachment?: 'platform' | 'cross-platform';
  @ClientExtensionResultsField() clientExtensionResults: Record<string, unknown>;

  @ApiProperty({ type: AssertionResponseDto })
  @ValidateNested()
  @Type(() => AssertionResponseDto)
  @IsObject({ message: fieldMessage('validation.passkey.object', { field: 'response' }) })
  response: AssertionResponseDto;
}
