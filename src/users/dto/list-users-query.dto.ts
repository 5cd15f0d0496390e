import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { Role } from '../role.enum';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;
const given = (_dto: object, value: unknown) => value !== undefined;

export const SORTABLE = ['id', 'email', 'username', 'name', 'created_at', 'updated_at'] as const;
export const SORTS = SORTABLE.flatMap((column) => [column, `-${column}`]);

/** GET /api/users: query strings, converted here and refused when they do not convert. */
export class ListUsersQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Transform(toInt)
  @ValidateIf(given)
  @IsInt({ message: 'page must be a whole number from 1.' })
  @Min(1, { message: 'page must be a whole number from 1.' })
  page = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @Transform(toInt)
  @ValidateIf(given)
  @IsInt({ message: 'limit must be a whole number from 1 to 100.' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100.' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100.' })
  limit = 20;

  @ApiPropertyOptional({ description: 'searched in email, username, name, firstname and lastname, ignoring case' })
  @ValidateIf(given)
  @IsString({ message: 'q must be given once.' })
  @MaxLength(254, { message: 'q must be at most 254 characters.' })
  q?: string;

  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @ValidateIf(given)
  @IsEnum(Role, { message: 'role must be one of USER, ADMIN, DRIVER.' })
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @Transform(toBoolean)
  @ValidateIf(given)
  @IsBoolean({ message: 'is_active must be true or false.' })
  is_active?: boolean;

  @ApiPropertyOptional({ enum: SORTS, default: 'id', description: 'a column, `-` first for descending' })
  @ValidateIf(given)
  @IsIn(SORTS, { message: `sort must be one of ${SORTS.join(', ')}.` })
  sort: string = 'id';
}
