import { ApiProperty } from '@nestjs/swagger';

/** An account at another provider linked to the caller's. */
export class IdentityDto {
  @ApiProperty({ format: 'uuid', example: '5b3c1e9a-8f1d-4c2b-9a57-0e8f4d6c2b11' }) id: string;
  @ApiProperty({ example: 'github' }) provider: string;
  @ApiProperty({ type: String, nullable: true, example: 'jane.doe@example.com', description: "the provider's email at its last sign-in" })
  email: string | null;
  @ApiProperty({ example: true }) email_verified: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) linked_at: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_used_at: Date | null;
}

/** POST /auth/oauth/exchange's answer to a linking: the identity now linked. */
export class LinkedIdentityDto {
  @ApiProperty({ type: IdentityDto }) linked: IdentityDto;
}
