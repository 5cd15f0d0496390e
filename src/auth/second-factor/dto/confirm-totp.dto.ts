import { ApiProperty } from '@nestjs/swagger';
import { TotpCodeField } from './second-factor-fields';

/** POST /users/mfa/totp/confirm: the app's first code proves it holds the secret. */
export class ConfirmTotpDto {
  @ApiProperty({ example: '123456', pattern: '^[0-9]{6}$' })
  @TotpCodeField(true)
  code: string;
}
