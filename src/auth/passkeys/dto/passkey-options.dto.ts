import { ApiProperty } from '@nestjs/swagger';

/**
 * What the browser's `navigator.credentials.create()` or `.get()` takes, in WebAuthn's JSON form
 * (`PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`, or
 * @simplewebauthn/browser). Its `challenge` works once, for 2 minutes.
 */
export class PasskeyOptionsDto {
  @ApiProperty({ example: 'c2VjcmV0LWNoYWxsZW5nZQ', description: 'base64url; single use, 2 minutes' }) challenge: string;
  @ApiProperty({ example: 60000 }) timeout: number;
  [option: string]: unknown;
}
