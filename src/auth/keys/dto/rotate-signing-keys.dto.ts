import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** POST /api/signing-keys/rotate. */
export class RotateSigningKeysDto {
  @ApiPropertyOptional({
    default: false,
    description: 'sign with the new key at once (a key has leaked): verifiers that cached the JWKS fetch it again on the unknown kid',
  })
  @IsOptional()
  @IsBoolean()
  immediate?: boolean;
}
