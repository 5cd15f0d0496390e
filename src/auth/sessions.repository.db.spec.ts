import { randomUUID } from 'node:crypto';
import { migratedDatabase } from '../../test/support/migrated-database';
import type { AppDataSource } from '../database/app-data-source';
import { SessionsRepository } from './sessions.repository';

/** SessionsRepository's statements on a real (embedded) database, migrated as the service migrates it. */
describe('SessionsRepository on PGlite', () => {
  let dataSource: AppDataSource;
  let sessions: SessionsRepository;
  let userId: number;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
    sessions = new SessionsRepository(dataSource);
    [{ id: userId }] = await dataSource.query(
      `INSERT INTO users (email, username, name, password_hash) VALUES ('s@example.com', 'sessions_user', 'S', 'x') RETURNING id`,
    );
  });

  afterAll(() => dataSource?.destroy());

  const hash = () => randomUUID().replaceAll('-', '').padEnd(64, '0');
  const isOpen = async (id: string) =>
    (await dataSource.query(`SELECT revoked_at IS NULL AS open FROM sessions WHERE id = $1`, [id]))[0].open;

  it('opens a session whose refresh token is claimed once, then rotated', async () => {
    const id = randomUUID();
    const first = hash();
    await sessions.open(id, userId, 3600, first);
    expect(await sessions.claimRefreshToken(first)).toBe(id);
    expect(await sessions.claimRefreshToken(first)).toBeUndefined();
    expect(await sessions.extend(id, 3600)).toEqual({ sessionId: id, userId });
    const next = hash();
    await sessions.addRefreshToken(next, id);
    expect(await sessions.claimRefreshToken(next)).toBe(id);
  });

  it('ends the session of a used refresh token presented again, and knows no other token', async () => {
    const id = randomUUID();
    const token = hash();
    await sessions.open(id, userId, 3600, token);
    await sessions.claimRefreshToken(token);
    expect(await sessions.revokeByAnyRefreshToken(token)).toBe(true);
    expect(await isOpen(id)).toBe(false);
    expect(await sessions.extend(id, 3600)).toBeUndefined();
    expect(await sessions.revokeByAnyRefreshToken(hash())).toBe(false);
  });

  it("revokes one session by id or by its unused refresh token, and all of a user's but one", async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const [ta, tb, tc] = [hash(), hash(), hash()];
    await sessions.open(a, userId, 3600, ta);
    await sessions.open(b, userId, 3600, tb);
    await sessions.open(c, userId, 3600, tc);
    expect(await sessions.revoke(a, userId)).toBe(true);
    expect(await sessions.revoke(a, userId)).toBe(false);
    expect(await sessions.revokeByRefreshToken(tb)).toBe(true);
    await sessions.transaction((tx) => tx.revokeAllOf(userId, c));
    expect(await isOpen(c)).toBe(true);
    await sessions.revokeAllOf(userId);
    expect(await isOpen(c)).toBe(false);
  });
});
