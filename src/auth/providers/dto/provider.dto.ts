import { ApiProperty } from '@nestjs/swagger';

/** A sign-in provider, as a login page lists it. */
export class ProviderDto {
  @ApiProperty({ example: 'google', description: 'the id in GET /auth/oauth/{id}' }) id: string;
  @ApiProperty({ example: 'Google', description: 'what a button says' }) name: string;
  @ApiProperty({ enum: ['oidc', 'github'], example: 'oidc' }) type: 'oidc' | 'github';
}
