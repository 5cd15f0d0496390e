import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { getMetadataArgsStorage } from 'typeorm';
import { Role } from '../../access/role.enum';
import { User } from '../user.entity';
import { decodeCursor, encodeCursor, ListUsersQueryDto, MAX_OFFSET, SORTABLE } from './list-users-query.dto';

/** The DTO as the validation pipe builds it from a query string, and the fields it refuses. */
async function check(query: Record<string, unknown>) {
  const dto = plainToInstance(ListUsersQueryDto, query);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  return { dto, invalid: errors.map((error) => error.property) };
}

const refuses = async (field: string, value: unknown) =>
  expect((await check({ [field]: value })).invalid).toEqual([field]);

describe('ListUsersQueryDto', () => {
  it('defaults to 20 a page, sorted by id, unfiltered, no page given (the first)', async () => {
    const { dto, invalid } = await check({});
    expect(invalid).toEqual([]);
    expect(dto).toMatchObject({ limit: 20, sort: 'id' });
    expect(dto.page).toBeUndefined();
    expect(dto.cursor).toBeUndefined();
    expect(dto.q).toBeUndefined();
    expect(dto.role).toBeUndefined();
    expect(dto.is_active).toBeUndefined();
  });

  it('converts page and limit from their string form', async () => {
    const { dto, invalid } = await check({ page: '5', limit: '5' });
    expect(invalid).toEqual([]);
    expect(dto.page).toBe(5);
    expect(dto.limit).toBe(5);
  });

  it('accepts a limit from 1 to 100', async () => {
    expect((await check({ limit: '1' })).dto.limit).toBe(1);
    expect((await check({ limit: '100' })).invalid).toEqual([]);
  });

  it.each(['0', '101', 'abc', '', '1.5', '-1', '1e2', ' 5'])('refuses limit %p', (value) =>
    refuses('limit', value),
  );

  it.each(['0', 'abc', '', '-1', '2.0', '9999999999'])('refuses page %p', (value) => refuses('page', value));

  it('refuses a page given twice', () => refuses('page', ['1', '2']));

  it('converts is_active "true" and "false" to booleans', async () => {
    expect((await check({ is_active: 'true' })).dto.is_active).toBe(true);
    const { dto, invalid } = await check({ is_active: 'false' });
    expect(invalid).toEqual([]);
    expect(dto.is_active).toBe(false);
  });

  it.each(['yes', '1', 'TRUE', ''])('refuses is_active %p', (value) => refuses('is_active', value));

  it.each(['id', '-id', 'email', 'created_at', '-created_at', 'updated_at', '-username', 'name'])(
    'accepts sort %p',
    async (sort) => {
      const { dto, invalid } = await check({ sort });
      expect(invalid).toEqual([]);
      expect(dto.sort).toBe(sort);
    },
  );

  it('sorts only by columns that hold no null: a cursor compares (column, id), and a null compares as nothing', () => {
    const columns = getMetadataArgsStorage().columns.filter((column) => column.target === User);
    for (const sortable of SORTABLE) {
      const column = columns.find(({ propertyName }) => propertyName === sortable);
      expect(column).toBeDefined();
      expect([sortable, column?.options.nullable ?? false]).toEqual([sortable, false]);
    }
  });

  it.each(['password_hash', '-password_hash', 'deleted_at', 'role', '--id', 'id desc', 'user.id', ''])(
    'refuses sort %p',
    (sort) => refuses('sort', sort),
  );

  it.each([Role.ADMIN, Role.USER, Role.DRIVER])('accepts role %p', async (role) => {
    const { dto, invalid } = await check({ role });
    expect(invalid).toEqual([]);
    expect(dto.role).toBe(role);
  });

  it.each(['admin', 'ROOT', ''])('refuses role %p', (role) => refuses('role', role));

  it('takes q as it is', async () => {
    const { dto, invalid } = await check({ q: '50%_off' });
    expect(invalid).toEqual([]);
    expect(dto.q).toBe('50%_off');
  });

  it('refuses q given twice, or longer than 254 characters', async () => {
    await refuses('q', ['a', 'b']);
    await refuses('q', 'x'.repeat(255));
    expect((await check({ q: 'x'.repeat(254) })).invalid).toEqual([]);
  });

  it(`takes a page that skips up to ${MAX_OFFSET} rows, and refuses a deeper one, pointing to cursor`, async () => {
    expect((await check({ page: '501', limit: '20' })).invalid).toEqual([]);
    expect((await check({ page: '101', limit: '100' })).invalid).toEqual([]);
    await refuses('page', '502');
    const deep = await validate(plainToInstance(ListUsersQueryDto, { page: '102', limit: '100' }));
    expect(deep.map((error) => error.property)).toEqual(['page']);
    expect(Object.values(deep[0].constraints ?? {})).toEqual([expect.stringContaining('pass next_cursor as cursor')]);
    // A bad limit is reported as such, not as a page too deep for it.
    expect((await check({ page: '400', limit: '500' })).invalid).toEqual(['limit']);
  });

  describe('cursor', () => {
    const cursorOf = (sort: string, value: number | string, id: number) => encodeCursor({ sort, value, id });

    it.each([
      ['id', 42, 42],
      ['-id', 7, 7],
      ['email', 'ann@example.com', 3],
      ['-name', 'Ünïcödé “name” \\ %_', 9],
      ['created_at', '2026-11-24T12:50:02.174123Z', 5],
      ['-updated_at', '2026-01-01T00:00:00.000001Z', 6],
    ])('takes a cursor of sort %p with that sort, and decodes what it encoded', async (sort, value, id) => {
      const cursor = cursorOf(sort, value, id);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const { dto, invalid } = await check({ cursor, sort });
      expect(invalid).toEqual([]);
      expect(decodeCursor(dto.cursor!)).toEqual({ sort, value, id });
    });

    it('refuses a cursor together with page, naming cursor', async () => {
      expect((await check({ cursor: cursorOf('id', 4, 4), page: '1' })).invalid).toEqual(['cursor']);
    });

    it('refuses a cursor made for another sort, and names only sort when sort is no sort', async () => {
      expect((await check({ cursor: cursorOf('-id', 4, 4) })).invalid).toEqual(['cursor']);
      expect((await check({ cursor: cursorOf('name', 'Ann', 4), sort: '-name' })).invalid).toEqual(['cursor']);
      expect((await check({ cursor: cursorOf('name', 'Ann', 4), sort: 'password_hash' })).invalid).toEqual(['sort']);
    });

    it('refuses every cursor with one character changed, and cut short', async () => {
      const cursor = cursorOf('created_at', '2026-11-24T12:50:02.174123Z', 5);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      for (let i = 0; i < cursor.length; i++) {
        const other = alphabet[(alphabet.indexOf(cursor[i]) + 1 + (i % 60)) % alphabet.length];
        expect(decodeCursor(cursor.slice(0, i) + other + cursor.slice(i + 1))).toBeUndefined();
      }
      expect(decodeCursor(cursor.slice(0, -1))).toBeUndefined();
      expect(decodeCursor(cursor.slice(0, -4))).toBeUndefined();
      await refuses('cursor', cursor.slice(0, -2));
    });

    it.each([
      ['not base64url', 'a+b/c='],
      ['empty', ''],
      ['given twice', ['a', 'b']],
      ['too long', 'A'.repeat(1501)],
    ])('refuses a cursor that is %s', (_why, cursor) => refuses('cursor', cursor));

    it.each([
      ['an id that is no row id', ['id', 0, 0]],
      ['a sort that is none', ['password_hash', 'x', 1]],
      ['a timestamp without microseconds', ['created_at', '2026-11-24T12:50:02.174Z', 1]],
      ['a date that is none', ['created_at', '2026-13-45T12:50:02.174123Z', 1]],
      ['a username longer than any', ['username', 'u'.repeat(31), 1]],
      ['a number for a text column', ['email', 5, 1]],
    ])('does not decode a well-checked cursor holding %s', (_why, [sort, value, id]) => {
      expect(decodeCursor(cursorOf(sort as string, value as string, id as number))).toBeUndefined();
    });
  });

  it('refuses a parameter it does not know', async () => {
    expect((await check({ password_hash: 'x' })).invalid).toEqual(['password_hash']);
  });
});
