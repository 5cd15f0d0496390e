import { ApiProperty } from '@nestjs/swagger';
import { UserView } from '../../../users/user-view';

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' }) access_token: string;
  @ApiProperty({ example: 'Bearer' }) token_type: 'Bearer';
  @ApiProperty({ example: 900, description: 'seconds until the access token expires' })
  expires_in: number;
  @ApiProperty({ example: 'k3Jx9bQ2...', description: 'opaque; single use' }) refresh_token: string;
}

export class RegisterResponseDto extends TokenResponseDto {
  @ApiProperty({ type: UserView }) user: UserView;
}
