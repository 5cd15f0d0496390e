import { randomUUID } from 'node:crypto';
import { migratedDatabase } from '../../test/support/migrated-database';
import type { AppDataSource } from '../database/app-data-source';
import { encodeCursor, ListUsersQueryDto } from './dto/list-users-query.dto';
import { Role } from '../access/role.enum';
import { AuditAction } from '../audit/audit-action.enum';
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

  it('writes the events of an insert, an update and a deletion in their statements, for the row written only', async () => {
    const origin = { ip: '203.0.113.7', userAgent: null, requestId: 'req-events' };
    const signup = { action: AuditAction.SIGNUP, actorId: null, userId: null, origin };
    const ann = await users.insert({ email: 'events_repo@example.com', username: 'events_repo', name: 'Ann', password_hash: null }, signup);
    const updated = { action: AuditAction.PROFILE_UPDATED, actorId: ann.id, userId: ann.id, origin, details: { fields: ['name'] } };
    const verified = { action: AuditAction.EMAIL_VERIFIED, actorId: ann.id, userId: ann.id, origin };
    await users.update({ id: ann.id }, { name: 'Annie' }, { events: [updated, verified] });
    expect(await users.update({ id: ann.id }, { name: 'Stale' }, { versions: [1], events: [updated] })).toBeNull();
    await users.softDelete({ id: ann.id }, [{ action: AuditAction.ACCOUNT_DELETED, actorId: ann.id, userId: ann.id, origin }]);
    expect(await users.softDelete({ id: ann.id }, [{ action: AuditAction.ACCOUNT_DELETED, actorId: ann.id, userId: ann.id, origin }])).toBe(false);

    const rows = await dataSource.query(`SELECT action, actor_id, user_id, details FROM audit_events WHERE request_id = 'req-events' ORDER BY id`);
    expect(rows).toEqual([
      // A sign-up's event is by the account it makes.
      { action: 'signup', actor_id: ann.id, user_id: ann.id, details: {} },
      { action: 'profile.updated', actor_id: ann.id, user_id: ann.id, details: { fields: ['name'] } },
      { action: 'email.verified', actor_id: ann.id, user_id: ann.id, details: {} },
      { action: 'account.deleted', actor_id: ann.id, user_id: ann.id, details: {} },
    ]);
  });

  it('finds a login name as normalizeLoginName reads it, and no account for a spelling PostgreSQL alone would fold', async () => {
    const kelvin = await account('kelvin_login');
    expect((await users.findByLogin({ username: 'ＫＥＬＶＩＮ_LOGIN' }))?.id).toBe(kelvin.id);
    expect((await users.findByLogin({ username: '\u212Aelvin_login' }))?.id).toBe(kelvin.id);
    const dotted = await account('dotted_login');
    expect(await users.findByLogin({ username: 'dotted_logİn' })).toBeNull();
    expect((await users.findByLogin({ username: 'DOTTED_LOGIN' }))?.id).toBe(dotted.id);
  });

  it("answers a caller's role only while the account is active and the session open", async () => {
    const boss = await account('boss_repo', Role.ADMIN);
    const sessionId = await sessionOf(boss.id);
    const caller = { id: boss.id, sessionId };
    expect(await users.roleOf(caller)).toBe(Role.ADMIN);
    expect(await users.roleOf({ id: boss.id, sessionId: randomUUID() })).toBeUndefined();
    await dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [boss.id]);
    expect(await users.roleOf(caller)).toBeUndefined();
    await dataSource.query(`UPDATE users SET is_active = true WHERE id = $1`, [boss.id]);
    await dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [sessionId]);
    expect(await users.roleOf(caller)).toBeUndefined();
  });

  it('updates only at a version If-Match names, raising the version', async () => {
    const joe = await account('joe_repo');
    expect(await users.update({ id: joe.id }, { name: 'Joe' }, { versions: [joe.version + 1] })).toBeNull();
    const updated = await users.update({ id: joe.id }, { name: 'Joe' }, { versions: [joe.version] });
    expect([updated?.name, updated?.version]).toEqual(['Joe', joe.version + 1]);
  });

  it('soft-deletes once, freeing the email for a new account', async () => {
    const gone = await account('gone_repo');
    expect(await users.softDelete({ id: gone.id }, [])).toBe(true);
    expect(await users.softDelete({ id: gone.id }, [])).toBe(false);
    expect(await users.find({ id: gone.id })).toBeNull();
    expect((await account('gone_repo')).id).not.toBe(gone.id);
  });

  it('locks a row in a transaction, and counts the active admins', async () => {
    const admin = await account('admin_repo', Role.ADMIN);
    const locked = await users.transaction(async (tx) => {
      await tx.serializeAdminChanges();
      return tx.lockedRow({ id: admin.id });
    });
    expect(locked).toMatchObject({ id: admin.id, role: Role.ADMIN, is_active: true });
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
    const page = await users.list(query({ limit: 1, q: 'LIST_', sort: 'username' }));
    expect([page.total, page.users.map((user) => user.username)]).toEqual([2, ['list_a_repo']]);
    expect((await users.list(query({ q: '%' }))).total).toBe(0);
  });

  const query = (fields: Partial<ListUsersQueryDto>) => Object.assign(new ListUsersQueryDto(), fields);

  it('finds a term within one column only, never across two', async () => {
    const kim = await account('kim_repo');
    await users.update({ id: kim.id }, { firstname: 'Kimberly', lastname: 'Stone' });
    expect((await users.list(query({ q: 'berly' }))).users.map((user) => user.id)).toEqual([kim.id]);
    for (const q of ['KimberlyStone', 'Kimberly Stone', 'Kimberly\nStone', 'example.comkim_repo']) {
      expect(await users.list(query({ q }))).toMatchObject({ users: [], total: 0 });
    }
  });

  it('pages by cursor through timestamps that differ only in microseconds, both ways', async () => {
    // Within one millisecond, and two alike: a cursor of milliseconds would repeat or skip rows.
    const ids: number[] = [];
    for (const [i, micros] of [3, 1, 2, 2, 999, 0].entries()) {
      const user = await account(`micro_${i}_repo`);
      await dataSource.query(`UPDATE users SET created_at = '2026-01-02T03:04:05.123000Z'::timestamptz + $1 * interval '1 microsecond' WHERE id = $2`, [micros, user.id]);
      ids.push(user.id);
    }
    const expected: { id: number }[] = await dataSource.query(
      `SELECT id FROM users WHERE username LIKE 'micro\\_%' ORDER BY created_at, id`,
    );
    for (const sort of ['created_at', '-created_at']) {
      const walked: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await users.list(query({ q: 'micro_', sort, limit: 2, cursor }));
        walked.push(...page.users.map((user) => user.id));
        expect(page).toMatchObject({ total: 6, totalIsCapped: false });
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const order = expected.map(({ id }) => id);
      expect(walked).toEqual(sort === 'created_at' ? order : order.reverse());
    }
  });

  it('counts matches up to 10000: past them total is 10000 and says it is capped', async () => {
    await dataSource.query(
      `INSERT INTO users (email, username, name, password_hash)
       SELECT 'bulk' || n || '@example.com', 'bulk_' || n, 'Bulk ' || n, 'hash' FROM generate_series(1, 10001) AS n`,
    );
    expect(await users.list(query({ q: 'bulk_', limit: 1 }))).toMatchObject({ total: 10_000, totalIsCapped: true });
    // bulk_1000, bulk_10000 and bulk_10001.
    expect(await users.list(query({ q: 'bulk_1000', limit: 1 }))).toMatchObject({ total: 3, totalIsCapped: false });
    await dataSource.query(`UPDATE users SET deleted_at = now() WHERE username = 'bulk_1'`);
    expect(await users.list(query({ q: 'bulk_', limit: 1 }))).toMatchObject({ total: 10_000, totalIsCapped: false });
    // A page deep in the matches by cursor: the rows after the cursor's.
    const [{ id }] = await dataSource.query(`SELECT id FROM users WHERE username = 'bulk_9000'`);
    const after = await users.list(query({ q: 'bulk_', limit: 2, cursor: encodeCursor({ sort: 'id', value: id, id }) }));
    expect(after.users.map((user) => user.username)).toEqual(['bulk_9001', 'bulk_9002']);
  });
});
