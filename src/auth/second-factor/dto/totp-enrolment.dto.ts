import { ApiProperty } from '@nestjs/swagger';

/** POST /users/mfa/totp: the new secret, shown this once, for the authenticator app. */
export class TotpEnrolmentDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'base32, for typing into the app' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/user-accounts:jane%40example.com?secret=...&issuer=user-accounts', description: 'what the QR code holds' })
  otpauth_uri: string;
  @ApiProperty({ example: 'data:image/svg+xml;base64,PHN2Zy...', description: 'the QR code of otpauth_uri, an SVG data URL for an <img>' })
  qr_code: string;
}
