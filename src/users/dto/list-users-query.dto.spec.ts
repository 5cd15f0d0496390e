import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Role } from '../role.enum';
import { ListUsersQueryDto } from './list-users-query.dto';

/** The DTO as the validation pipe builds it from a query string, and the fields it refuses. */
async function check(query: Record<string, unknown>) {
  const dto = plainToInstance(ListUsersQueryDto, query);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  return { dto, invalid: errors.map((error) => error.property) };
}

const refuses = async (field: string, value: unknown) =>
  expect((await check({ [field]: value })).invalid).toEqual([field]);

describe('ListUsersQueryDto', () => {
  it('defaults to page 1, 20 a page, sorted by id, unfiltered', async () => {
    const { dto, invalid } = await check({});
    expect(invalid).toEqual([]);
    expect(dto).toMatchObject({ page: 1, limit: 20, sort: 'id' });
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

  it('refuses a parameter it does not know', async () => {
    expect((await check({ password_hash: 'x' })).invalid).toEqual(['password_hash']);
  });
});
