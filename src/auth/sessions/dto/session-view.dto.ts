import { ApiProperty } from '@nestjs/swagger';

/** An open session as the list of one's devices shows it. */
export class SessionView {
  @ApiProperty({ format: 'uuid', example: '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f' }) id: string;
  @ApiProperty({ description: "true for the session of the request's access token", example: true }) current: boolean;
  @ApiProperty({ format: 'date-time', description: 'when it began (a login or sign-up)' }) created_at: string;
  @ApiProperty({ format: 'date-time', description: 'when an access token of it was last accepted, to the minute' })
  last_used_at: string;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'the client address it began from' })
  ip: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the User-Agent it began with' }) user_agent: string | null;
  @ApiProperty({ example: 'Firefox on Linux', description: 'the User-Agent, named' }) device: string;
}
