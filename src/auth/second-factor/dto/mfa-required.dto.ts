import { ApiProperty } from '@nestjs/swagger';

/** The second factors a login may be finished with. */
export const MFA_METHODS = ['totp', 'webauthn', 'recovery_code'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

/** POST /auth/login's answer for an account with a second factor: no tokens yet. */
export class MfaRequiredDto {
  @ApiProperty({ enum: [true], example: true }) mfa_required: true;
  @ApiProperty({ example: 'Vx3k9bQ2...', description: 'for POST /auth/mfa/verify only; opaque, not an access token' })
  mfa_token: string;
  @ApiProperty({ example: 300, description: 'seconds until the mfa_token expires' }) expires_in: number;
  @ApiProperty({ enum: MFA_METHODS, isArray: true, example: ['totp', 'webauthn', 'recovery_code'] }) methods: MfaMethod[];
}
