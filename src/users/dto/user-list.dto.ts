import { ApiProperty } from '@nestjs/swagger';
import { UserView } from '../user-view';

export class UserListDto {
  @ApiProperty({ type: [UserView] }) data: UserView[];
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) limit: number;
  @ApiProperty({ example: 42, description: 'users matching the filters, on all pages' }) total: number;
}
