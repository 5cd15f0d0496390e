import { randomUUID } from 'node:crypto';
import { migratedDatabase } from '../../test/support/migrated-database';
import type { AppDataSource } from '../database/app-data-source';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { Role } from './role.enum';
import { UsersRepository } from './users.repository';

/** UsersRepository's statements on a real (embedded) database, migrated as the service migrates it. */
describe('UsersRepository on PGlite', () => {
  let dataSource: AppDataSource;
  let users: UsersRepository;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
    users = new UsersRepository(dataSource);
  });

  afterAll(() => dataSource?.destroy());

  const account = (name: string, role = Role.USER) =>
    users.insert({ email: `${name}@example.com`, username: name, name, password_hash: `hash-of-${name}`, role });

  /** An open session of the user, as the token names it. */
  async function sessionOf(userId: number): Promise<string> {
    const id = randomUUID();
    await dataSource.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [id, userId]);
    return id;
  }

  it('finds a caller only with an open session, and an admin target by id', async () => {
    const jane = await account('jane_repo');
    const sessionId = await sessionOf(jane.id);
    expect((await users.find({ caller: { id: jane.id, sessionId } }))?.email).toBe('jane_repo@example.com');
    expect(await users.find({ caller: { id: jane.id, sessionId: randomUUID() } })).toBeNull();
    expect((await users.find({ id: jane.id }))?.username).toBe('jane_repo');
    expect((await users.findByLogin({ email: 'JANE_REPO@example.com' }))?.id).toBe(jane.id);
  });

  it('updates only at a version If-Match names, raising the version', async () => {
    const joe = await account('joe_repo');
    expect(await users.update({ id: joe.id }, { name: 'Joe' }, [joe.version + 1])).toBeNull();
    const updated = await users.update({ id: joe.id }, { name: 'Joe' }, [joe.version]);
    expect([updated?.name, updated?.version]).toEqual(['Joe', joe.version + 1]);
  });

  it('soft-deletes once, freeing the email for a new account', async () => {
    const gone = await account('gone_repo');
    expect(await users.softDelete({ id: gone.id })).toBe(true);
    expect(await users.softDelete({ id: gone.id })).toBe(false);
    expect(await users.find({ id: gone.id })).toBeNull();
    expect((await account('gone_repo')).id).not.toBe(gone.id);
  });

  it('locks a row for an admin change in a transaction, and counts the active admins', async () => {
    const admin = await account('admin_repo', Role.ADMIN);
    const locked = await users.transaction(async (tx) => {
      await tx.serializeAdminChanges();
      return tx.lockForAdminChange(admin.id);
    });
    expect(locked).toEqual({ role: Role.ADMIN, is_active: true });
    expect(await users.activeAdminIds()).toContain(admin.id);
    expect(await users.hasActiveAdmin()).toBe(true);
  });

  it('replaces a hash only if it is still the one read', async () => {
    const ann = await account('ann_repo');
    await users.replaceHash(ann.id, 'new-hash', 'not-the-stored-one');
    expect((await users.find({ id: ann.id }))?.password_hash).toBe('hash-of-ann_repo');
    await users.replaceHash(ann.id, 'new-hash', 'hash-of-ann_repo');
    expect((await users.find({ id: ann.id }))?.password_hash).toBe('new-hash');
  });

  it('lists a page matching q, escaping LIKE wildcards', async () => {
    await account('list_a_repo');
    await account('list_b_repo');
    const query = (fields: Partial<ListUsersQueryDto>) => Object.assign(new ListUsersQueryDto(), fields);
    const page = await users.list(query({ limit: 1, q: 'LIST_', sort: 'username' }));
    expect([page.total, page.users.map((user) => user.username)]).toEqual([2, ['list_a_repo']]);
    expect((await users.list(query({ q: '%' }))).total).toBe(0);
  });
});
