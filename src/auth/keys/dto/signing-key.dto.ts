import { ApiProperty } from '@nestjs/swagger';
import type { KeyStatus } from '../signing-keys.service';

/** A public key as the JWKS publishes it (RFC 7517): nothing private. */
export class PublicJwkDto {
  @ApiProperty({ enum: ['OKP', 'EC'] }) kty: string;
  @ApiProperty({ enum: ['Ed25519', 'P-256'] }) crv: string;
  @ApiProperty({ example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }) x: string;
  @ApiProperty({ required: false, description: 'P-256 only' }) y?: string;
  @ApiProperty({ example: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }) kid: string;
  @ApiProperty({ enum: ['EdDSA', 'ES256'] }) alg: string;
  @ApiProperty({ enum: ['sig'] }) use: string;
}

/** GET /.well-known/jwks.json: the keys that verify this service's access tokens. */
export class JwksDto {
  @ApiProperty({ type: PublicJwkDto, isArray: true, description: 'the signing key first, then the next, then the retiring ones; empty with HS256' })
  keys: PublicJwkDto[];
}

/** A signing key, for administrators. */
export class SigningKeyDto {
  @ApiProperty({ example: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }) kid: string;
  @ApiProperty({ enum: ['EdDSA', 'ES256'] }) algorithm: string;
  @ApiProperty({ enum: ['signing', 'next', 'retiring'], description: 'signing now; published, to sign later; no longer signing, still verifying' })
  status: KeyStatus;
  @ApiProperty({ enum: ['database', 'configuration'] }) source: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'published from (null: from the configuration)' })
  published_at: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'signs from, until a later key does (null: a configured key after the first)' })
  signs_from: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'verifies until; its tokens are refused after' })
  retires_at: Date | null;
  @ApiProperty({ type: PublicJwkDto }) public_jwk: PublicJwkDto;
}
