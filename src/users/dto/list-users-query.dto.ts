import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsString, MaxLength, ValidateBy } from 'class-validator';
import { createHmac } from 'node:crypto';
import { IsShallowPage, MAX_LIMIT, MAX_OFFSET, whenGiven, wholeNumber } from '../../common/validation/query-fields';
import { fieldMessage } from '../../common/validation/field-message';
import { Role } from '../../access/role.enum';

const toBoolean = Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

/** The columns a list may be sorted by; none is nullable, so a cursor never holds a null. */
export const SORTABLE = ['id', 'email', 'username', 'name', 'created_at', 'updated_at'] as const;
export const SORTS = SORTABLE.flatMap((column) => [column, `-${column}`]);
export type SortColumn = (typeof SORTABLE)[number];

export { MAX_OFFSET };

const DEFAULT_LIMIT = 20;

/** A sort as the query names it: its column, and whether it is descending (`-` first). */
export function parseSort(sort: string): { column: SortColumn; descending: boolean } {
  const descending = sort.startsWith('-');
  return { column: (descending ? sort.slice(1) : sort) as SortColumn, descending };
}

/**
 * Where a cursor page starts: after the row with this sort value and id, in the order of
 * `sort`. The value is the row's `id` for the id sort, text otherwise; a timestamp is UTC text
 * with microseconds, PostgreSQL's precision (a JavaScript Date's milliseconds would put the
 * next page before the last row of this one).
 */
export interface ListCursor {
  sort: string;
  value: number | string;
  id: number;
}

// A cursor is base64url of a check and the JSON of [sort, value, id]. The check is not a
// secret and need not be: a cursor lets an administrator read nothing a query could not, and
// its values are bound parameters. It makes a cursor altered or cut short a 400, where it
// would otherwise quietly be a page from elsewhere.
const CURSOR_CHECK_KEY = 'GET /api/users cursor';
const CHECK_BYTES = 8;
/** Enough for the longest sort value (an email of 254 characters) in any script. */
const MAX_CURSOR_LENGTH = 1500;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** The sortable text columns' lengths (user.entity.ts): a longer value is no row's. */
const TEXT_LENGTHS: Partial<Record<SortColumn, number>> = { email: 254, username: 30, name: 100 };

const check = (payload: Buffer) => createHmac('sha256', CURSOR_CHECK_KEY).update(payload).digest().subarray(0, CHECK_BYTES);

export function encodeCursor({ sort, value, id }: ListCursor): string {
  const payload = Buffer.from(JSON.stringify([sort, value, id]));
  return Buffer.concat([check(payload), payload]).toString('base64url');
}

/** The cursor's position, or undefined when this service did not make it as it is. */
export function decodeCursor(text: string): ListCursor | undefined {
  if (text.length > MAX_CURSOR_LENGTH || !BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Base64 decoding ignores a last character's unused bits: only the canonical form is ours.
  if (bytes.length <= CHECK_BYTES || bytes.toString('base64url') !== text) return undefined;
  const payload = bytes.subarray(CHECK_BYTES);
  if (!bytes.subarray(0, CHECK_BYTES).equals(check(payload))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [sort, value, id] = parsed as unknown[];
  if (typeof sort !== 'string' || !SORTS.includes(sort) || !isRowId(id)) return undefined;
  return fitsColumn(parseSort(sort).column, value) ? { sort, value: value as number | string, id } : undefined;
}

const isRowId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

function fitsColumn(column: SortColumn, value: unknown): boolean {
  if (column === 'id') return isRowId(value);
  if (typeof value !== 'string') return false;
  if (column === 'created_at' || column === 'updated_at') return TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
  return value.length <= (TEXT_LENGTHS[column] ?? 0);
}

/** Why `cursor` cannot be taken with the rest of the query, or undefined when it can. */
function cursorProblem(cursor: string, query: ListUsersQueryDto): string | undefined {
  if (query.page !== undefined) {
    return fieldMessage('validation.list.cursorWithPage')();
  }
  const position = decodeCursor(cursor);
  if (!position) return fieldMessage('validation.list.cursorUnknown')();
  // A sort that is not one is reported as such, not as a cursor of another sort.
  if (SORTS.includes(query.sort) && position.sort !== query.sort) {
    return fieldMessage('validation.list.cursorOtherSort', { sort: position.sort })();
  }
  return undefined;
}

const IsCursorOf = () =>
  ValidateBy({
    name: 'isListCursor',
    validator: {
      validate: (value, args) => typeof value !== 'string' || !cursorProblem(value, args?.object as ListUsersQueryDto),
      defaultMessage: (args) => cursorProblem(args?.value as string, args?.object as ListUsersQueryDto) ?? '',
    },
  });

/**
 * GET /api/users: query strings, converted here and refused when they do not convert. Rules
 * are applied in the order written, so the first one broken is the one reported.
 */
export class ListUsersQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    default: 1,
    description:
      `Page number, for shallow pages: it may skip at most ${MAX_OFFSET} rows ((page - 1) × limit), ` +
      'further is 400; read deeper pages with `cursor`. Not with `cursor`.',
  })
  @wholeNumber('page', 1)
  @IsShallowPage(true)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @wholeNumber('limit', 1, MAX_LIMIT)
  limit = DEFAULT_LIMIT;

  @ApiPropertyOptional({
    description:
      'The `next_cursor` of the previous page, as it came: the page after it, at the same cost at any depth. ' +
      'Opaque; made for one `sort` (another sort is 400), not with `page`. An altered cursor is 400.',
    example: encodeCursor({ sort: 'id', value: 42, id: 42 }),
  })
  @(applyDecorators(whenGiven, IsString({ message: fieldMessage('validation.field.givenOnceAsText', { field: 'cursor' }) }), IsCursorOf()))
  cursor?: string;

  @ApiPropertyOptional({
    description:
      'Searched in email, username, name, firstname and lastname, ignoring case. A term of 3 characters or ' +
      'more is looked up in a trigram index; a shorter one reads every row.',
  })
  @(applyDecorators(
    whenGiven,
    IsString({ message: fieldMessage('validation.field.givenOnceAsText', { field: 'q' }) }),
    MaxLength(254, { message: fieldMessage('validation.field.maxLength', { field: 'q', max: 254 }) }),
  ))
  q?: string;

  @ApiPropertyOptional({ enum: Role, enumName: 'Role' })
  @(applyDecorators(whenGiven, IsEnum(Role, { message: fieldMessage('validation.field.oneOf', { field: 'role', values: 'USER, ADMIN, DRIVER' }) })))
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @(applyDecorators(toBoolean, whenGiven, IsBoolean({ message: fieldMessage('validation.field.trueOrFalse', { field: 'is_active' }) })))
  is_active?: boolean;

  @ApiPropertyOptional({ enum: SORTS, default: 'id', description: 'a column, `-` first for descending; ties by id, same direction' })
  @(applyDecorators(whenGiven, IsIn(SORTS, { message: fieldMessage('validation.field.oneOf', { field: 'sort', values: SORTS.join(', ') }) })))
  sort: string = 'id';
}
