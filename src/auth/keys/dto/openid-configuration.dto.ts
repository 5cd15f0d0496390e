import { ApiProperty } from '@nestjs/swagger';

/** GET /.well-known/openid-configuration: what a verifier needs, as OpenID Connect Discovery names it. */
export class OpenIdConfigurationDto {
  @ApiProperty({ example: 'https://accounts.example.com', description: "JWT_ISSUER: every access token's iss" }) issuer: string;
  @ApiProperty({ example: 'https://accounts.example.com/.well-known/jwks.json' }) jwks_uri: string;
  @ApiProperty({ example: 'https://accounts.example.com/auth/login', description: 'where tokens are issued (a JSON login, not an OAuth 2 token endpoint)' })
  token_endpoint: string;
  @ApiProperty({ example: ['EdDSA'], description: 'the algorithms of the keys that verify now' }) id_token_signing_alg_values_supported: string[];
  @ApiProperty({ example: ['public'] }) subject_types_supported: string[];
  @ApiProperty({ example: ['sub', 'sid', 'auth_time', 'amr', 'email_verified'] }) claims_supported: string[];
}
