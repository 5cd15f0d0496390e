import { randomUUID } from 'node:crypto';
import { migratedDatabase } from '../../../test/support/migrated-database';
import { AuditAction } from '../../audit/audit-action.enum';
import type { AppDataSource } from '../../database/app-data-source';
import { DEVICES_LISTED, SessionsRepository } from './sessions.repository';

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
  const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' };
  const isOpen = async (id: string) =>
    (await dataSource.query(`SELECT revoked_at IS NULL AS open FROM sessions WHERE id = $1`, [id]))[0].open;

  it('opens a session whose refresh token is claimed once, then rotated', async () => {
    const id = randomUUID();
    const first = hash();
    await sessions.open(id, userId, 3600, first, ORIGIN);
    expect(await sessions.claimRefreshToken(first)).toBe(id);
    expect(await sessions.claimRefreshToken(first)).toBeUndefined();
    expect(await sessions.extend(id, 3600)).toEqual({ sessionId: id, userId, loggedInAt: expect.any(Date), amr: ['pwd'], emailVerified: false });
    const next = hash();
    await sessions.addRefreshToken(next, id);
    expect(await sessions.claimRefreshToken(next)).toBe(id);
  });

  it('keeps how its login was proved, for every refreshed token', async () => {
    const id = randomUUID();
    await sessions.open(id, userId, 3600, hash(), ORIGIN, undefined, ['pwd', 'otp']);
    expect((await sessions.extend(id, 3600))?.amr).toEqual(['pwd', 'otp']);
  });

  it("writes a login's event in the statement that opens its session", async () => {
    const id = randomUUID();
    const event = {
      action: AuditAction.LOGIN_SUCCEEDED,
      actorId: userId,
      userId,
      origin: { ...ORIGIN, requestId: 'req-open' },
      details: { session_id: id },
    };
    await sessions.open(id, userId, 3600, hash(), ORIGIN, event);
    expect(await isOpen(id)).toBe(true);
    const rows = await dataSource.query(
      `SELECT action, actor_id, user_id, ip, request_id, details FROM audit_events WHERE request_id = 'req-open'`,
    );
    expect(rows).toEqual([
      { action: 'login.succeeded', actor_id: userId, user_id: userId, ip: ORIGIN.ip, request_id: 'req-open', details: { session_id: id } },
    ]);
  });

  it('ends the session of a used refresh token presented again, and knows no other token', async () => {
    const id = randomUUID();
    const token = hash();
    await sessions.open(id, userId, 3600, token, ORIGIN);
    await sessions.claimRefreshToken(token);
    // The session it ended, and whose it was (for the refresh_token.reused event).
    expect(await sessions.revokeByAnyRefreshToken(token)).toEqual({ sessionId: id, userId });
    expect(await isOpen(id)).toBe(false);
    expect(await sessions.extend(id, 3600)).toBeUndefined();
    expect(await sessions.revokeByAnyRefreshToken(hash())).toBeUndefined();
  });

  it("revokes one session by id or by its unused refresh token, and all of a user's but one", async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const [ta, tb, tc] = [hash(), hash(), hash()];
    await sessions.open(a, userId, 3600, ta, ORIGIN);
    await sessions.open(b, userId, 3600, tb, ORIGIN);
    await sessions.open(c, userId, 3600, tc, ORIGIN);
    expect(await sessions.revoke(a, userId)).toBe(true);
    expect(await sessions.revoke(a, userId)).toBe(false);
    expect(await sessions.revokeByRefreshToken(tb)).toEqual({ sessionId: b, userId });
    expect(await sessions.revokeByRefreshToken(tb)).toBeUndefined();
    await sessions.transaction((tx) => tx.revokeAllOf(userId, { exceptSessionId: c }));
    expect(await isOpen(c)).toBe(true);
    await sessions.revokeAllOf(userId);
    expect(await isOpen(c)).toBe(false);
  });

  it("lists a user's open sessions with where they began, and moves their last use forward only", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await sessions.open(a, userId, 3600, hash(), ORIGIN);
    await sessions.open(b, userId, 3600, hash(), { ip: '198.51.100.1', userAgent: null });
    const later = new Date(Date.now() + 60_000);
    await sessions.markUsed([a], [later]);
    await sessions.markUsed([a], [new Date(Date.now() - 3_600_000)]);
    const listed = await sessions.listOpen(userId);
    expect(listed[0]).toMatchObject({ id: a, ip: ORIGIN.ip, user_agent: ORIGIN.userAgent });
    expect(new Date(listed[0].last_used_at).getTime()).toBe(later.getTime());
    expect(listed.find((session) => session.id === b)).toMatchObject({ ip: '198.51.100.1', user_agent: null });
    await sessions.revoke(b, userId);
    expect((await sessions.listOpen(userId)).map((session) => session.id)).not.toContain(b);
  });

  it('lists at most DEVICES_LISTED sessions, the current one first whatever its last use', async () => {
    const ids = Array.from({ length: DEVICES_LISTED + 5 }, () => randomUUID());
    for (const id of ids) await sessions.open(id, userId, 3600, hash(), ORIGIN);
    // The first opened: the one a list by last use would leave out.
    const [current] = ids;
    const listed = await sessions.listOpen(userId, current);
    expect(listed).toHaveLength(DEVICES_LISTED);
    expect(listed[0].id).toBe(current);
  });

  it('ends a listed session, by its owner only while the owner\'s own session is open', async () => {
    const [mine, other, lost] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [mine, other, lost]) await sessions.open(id, userId, 3600, hash(), ORIGIN);
    expect(await sessions.endListed(other, userId + 1)).toBe(false);
    expect(await sessions.endListed(other, userId, { callerSessionId: mine })).toBe(true);
    expect(await sessions.endListed(other, userId, { callerSessionId: mine })).toBe(false);
    await sessions.revoke(mine, userId);
    expect(await sessions.endListed(lost, userId, { callerSessionId: mine })).toBe(false);
    expect(await isOpen(lost)).toBe(true);
    expect(await sessions.endOthers(userId, mine)).toBe(false);
    expect(await isOpen(lost)).toBe(true);
    const current = randomUUID();
    await sessions.open(current, userId, 3600, hash(), ORIGIN);
    expect(await sessions.endOthers(userId, current)).toBe(true);
    expect([await isOpen(lost), await isOpen(current)]).toEqual([false, true]);
  });

  it('writes the event of each statement that ends sessions with it, and none when it ends nothing', async () => {
    const origin = { ...ORIGIN, requestId: 'req-ends' };
    const event = (action: AuditAction, details?: Record<string, unknown>) => ({ action, actorId: userId, userId, origin, details });
    const fromTheRow = (action: AuditAction) => ({ action, actorId: null, userId: null, origin });
    const [listed, own, byToken, replayed, current] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const [byTokenHash, replayedHash] = [hash(), hash()];
    for (const id of [listed, own, current]) await sessions.open(id, userId, 3600, hash(), ORIGIN);
    await sessions.open(byToken, userId, 3600, byTokenHash, ORIGIN);
    await sessions.open(replayed, userId, 3600, replayedHash, ORIGIN);
    await sessions.claimRefreshToken(replayedHash);

    const ended = event(AuditAction.SESSION_ENDED, { session_id: listed });
    expect(await sessions.endListed(listed, userId, { callerSessionId: current, audit: ended })).toBe(true);
    expect(await sessions.endListed(listed, userId, { callerSessionId: current, audit: ended })).toBe(false);
    const logout = event(AuditAction.LOGOUT, { session_id: own });
    expect(await sessions.revoke(own, userId, logout)).toBe(true);
    expect(await sessions.revoke(own, userId, logout)).toBe(false);
    expect(await sessions.revokeByRefreshToken(byTokenHash, fromTheRow(AuditAction.LOGOUT))).toEqual({ sessionId: byToken, userId });
    expect(await sessions.revokeByAnyRefreshToken(replayedHash, fromTheRow(AuditAction.REFRESH_TOKEN_REUSED))).toEqual({ sessionId: replayed, userId });
    expect(await sessions.revokeByAnyRefreshToken(hash(), fromTheRow(AuditAction.REFRESH_TOKEN_REUSED))).toBeUndefined();
    expect(await sessions.endOthers(userId, randomUUID(), event(AuditAction.SESSION_ENDED, { sessions: 'all_but_current' }))).toBe(false);
    expect(await sessions.endOthers(userId, current, event(AuditAction.SESSION_ENDED, { sessions: 'all_but_current' }))).toBe(true);
    await sessions.revokeAllOf(userId, { audit: event(AuditAction.SESSION_ENDED, { sessions: 'all' }) });

    const rows = await dataSource.query(`SELECT action, actor_id, user_id, details FROM audit_events WHERE request_id = 'req-ends' ORDER BY id`);
    expect(rows).toEqual([
      { action: 'session.ended', actor_id: userId, user_id: userId, details: { session_id: listed } },
      { action: 'logout', actor_id: userId, user_id: userId, details: { session_id: own } },
      // By and about the session's user, its id added by the statement that found it.
      { action: 'logout', actor_id: userId, user_id: userId, details: { session_id: byToken } },
      { action: 'refresh_token.reused', actor_id: null, user_id: userId, details: { session_id: replayed } },
      { action: 'session.ended', actor_id: userId, user_id: userId, details: { sessions: 'all_but_current' } },
      { action: 'session.ended', actor_id: userId, user_id: userId, details: { sessions: 'all' } },
    ]);
  });
});
