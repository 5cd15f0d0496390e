import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { Role } from '../role.enum';

const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value));
const toBoolean = Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
const whenGiven = ValidateIf((_dto, value) => value !== undefined);

export const SORTABLE = ['id', 'email', 'username', 'name', 'created_at', 'updated_at'] as const;
export const SORTS = SORTABLE.flatMap((column) => [column, `-${column}`]);

const wholeNumber = (field: string, min: number, max?: number) => {
  const message = `${field} must be a whole number from ${min}${max ? ` to ${max}` : ''}.`;
  return applyDecorators(toInt, whenGiven, IsInt({ message }), Min(min, { message }), ...(max ? [Max(max, { message })] : []));
};

/**
 * GET /api/users: query strings, converted here and refused when they do not convert. Rules
 * are applied in the order written, so the first one broken is the one reported.
 */
export class ListUsersQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @wholeNumber('page', 1)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @wholeNumber('limit', 1, 100)
  limit = 20;

  @ApiPropertyOptional({ description: 'searched in email, username, name, firstname and lastname, ignoring case' })
  @(applyDecorators(
    whenGiven,
    IsString({ message: 'q must be given once, as text.' }),
    MaxLength(254, { message: 'q must be at most 254 characters.' }),
  ))
  q?: string;

  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @(applyDecorators(whenGiven, IsEnum(Role, { message: 'role must be one of USER, ADMIN, DRIVER.' })))
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @(applyDecorators(toBoolean, whenGiven, IsBoolean({ message: 'is_active must be true or false.' })))
  is_active?: boolean;

  @ApiPropertyOptional({ enum: SORTS, default: 'id', description: 'a column, `-` first for descending' })
  @(applyDecorators(whenGiven, IsIn(SORTS, { message: `sort must be one of ${SORTS.join(', ')}.` })))
  sort: string = 'id';
}
