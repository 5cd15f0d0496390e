import { DataSource } from 'typeorm';
import { png, upload } from './support/images';
import { useMailedApp } from './support/mailed-app';
import { ADMIN, TEST_JWT_SECRET } from './support/test-app';
import { uniqueEmail } from './support/unique';
import { loginDigest } from '../src/auth/lockout/login-digest';

const digestOf = loginDigest(TEST_JWT_SECRET);

const BCRYPT_HASH = /\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}/;

interface Event {
  id: number;
  at: string;
  action: string;
  actor_id: number | null;
  user_id: number | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/**
 * The audit trail, written by real flows over HTTP (a real SMTP server for the links) and read
 * back through the API: every event, its actor and subject, and no secret anywhere in it.
 */
describe('the audit trail', () => {
  // No reuse interval: the refresh token replayed at once below is a replay.
  const { api, testApp, sink } = useMailedApp({ LOGIN_MAX_FAILURES: '3', REFRESH_REUSE_INTERVAL: '0' });
  /** Every token the flows saw: none may be in an event. */
  const tokens: string[] = [];
  let admin: string;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
    tokens.push(admin);
  });

  /** The token of the next mail to `email` with this subject. */
  async function linkToken(email: string, subject: string): Promise<string> {
    const token = sink().linkToken(await sink().nextMail(email, subject));
    tokens.push(token);
    return token;
  }

  /** The events about `userId`, oldest first, as an administrator reads them. */
  async function eventsOf(userId: number): Promise<Event[]> {
    const page = await api.get(`/api/audit?user_id=${userId}&limit=100`, { token: admin });
    expect(page.status).toBe(200);
    return [...page.body.data].reverse();
  }

  it('records a whole account life: sign-up to deletion, with actor, subject, address and request id', async () => {
    const email = uniqueEmail('audit');
    const password = 'first password here';
    const registered = await api.register({ email, password });
    const id: number = registered.user.id;
    tokens.push(registered.token, registered.refresh_token);
    await linkToken(email, 'Confirm your email address');

    // Logins: a wrong password, then a right one (with an X-Request-Id of our own).
    expect((await api.post('/auth/login', { body: { email, password: 'not the password' } })).status).toBe(401);
    const login = await api.post('/auth/login', { body: { email, password }, headers: { 'x-request-id': 'audit-login-1' } });
    const { access_token: access, refresh_token: refresh } = login.body;
    tokens.push(access, refresh);

    // A refresh, then the same refresh token again: a replay.
    const rotated = await api.post('/auth/refresh', { body: { refresh_token: refresh } });
    tokens.push(rotated.body.access_token, rotated.body.refresh_token);
    expect((await api.post('/auth/refresh', { body: { refresh_token: refresh } })).status).toBe(401);

    // The profile, then the email, changed by the owner; the new address verified.
    const session = await api.post('/auth/login', { body: { email, password } });
    const token = session.body.access_token;
    tokens.push(token, session.body.refresh_token);
    expect((await api.put('/users', { token, body: { name: 'Audited', phone_number: '+15550100' } })).status).toBe(200);
    const newAddress = uniqueEmail('audit');
    expect((await api.put('/users', { token, body: { email: newAddress, current_password: password } })).status).toBe(200);
    await linkToken(email, 'Your email address is being changed');
    const confirm = await linkToken(newAddress, 'Confirm your new email address');
    expect((await api.post('/auth/email-change/confirm', { body: { token: confirm } })).status).toBe(200);

    // A new password by the owner, then by a reset link.
    const second = 'second password here';
    expect((await api.post('/users/password', { token, body: { current_password: password, new_password: second } })).status).toBe(204);
    await api.post('/auth/password/forgot', { body: { email: newAddress } });
    const third = 'third password here';
    const reset = await api.post('/auth/password/reset', { body: { token: await linkToken(newAddress, 'Reset your password'), new_password: third } });
    expect(reset.status).toBe(204);

    // Another device, signed out from a new one; then a logout; then the account deleted.
    const phone = await api.post('/auth/login', { body: { email: newAddress, password: third } });
    const laptop = await api.post('/auth/login', { body: { email: newAddress, password: third } });
    tokens.push(phone.body.access_token, phone.body.refresh_token, laptop.body.access_token, laptop.body.refresh_token);
    const phoneSession = (await api.get('/users/sessions', { token: laptop.body.access_token })).body.find(
      (s: { current: boolean }) => !s.current,
    );
    expect((await api.delete(`/users/sessions/${phoneSession.id}`, { token: laptop.body.access_token })).status).toBe(204);
    expect((await api.post('/auth/logout', { token: laptop.body.access_token, body: {} })).status).toBe(204);
    const last = await api.post('/auth/login', { body: { email: newAddress, password: third } });
    tokens.push(last.body.access_token, last.body.refresh_token);
    expect((await api.delete('/users', { token: last.body.access_token, body: { current_password: third } })).status).toBe(204);

    const events = await eventsOf(id);
    expect(events.map((event) => event.action)).toEqual([
      'signup',
      'login.failed',
      'login.succeeded',
      'refresh_token.reused',
      'login.succeeded',
      'profile.updated',
      'email.change_requested',
      'email.changed',
      'password.changed',
      'password.reset',
      'email.verified',
      'login.succeeded',
      'login.succeeded',
      'session.ended',
      'logout',
      'login.succeeded',
      'account.deleted',
    ]);
    const byAction = (action: string) => events.filter((event) => event.action === action);
    expect(byAction('signup')[0]).toMatchObject({ actor_id: id, user_id: id, ip: '127.0.0.1', details: {} });
    expect(byAction('login.failed')[0]).toMatchObject({ actor_id: null, details: { login_digest: digestOf(email), reason: 'wrong_password' } });
    expect(byAction('login.succeeded')[0]).toMatchObject({ actor_id: id, request_id: 'audit-login-1' });
    expect(byAction('login.succeeded')[0].details.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(byAction('refresh_token.reused')[0]).toMatchObject({ actor_id: null, user_id: id });
    expect(byAction('profile.updated')[0].details).toEqual({ fields: ['name', 'phone_number'] });
    expect(byAction('email.change_requested')[0]).toMatchObject({ actor_id: id, details: { new_email: newAddress } });
    expect(byAction('email.changed')[0].details).toEqual({ old_email: email, new_email: newAddress });
    expect(byAction('password.reset')[0]).toMatchObject({ actor_id: id, details: { fields: ['password'] } });
    expect(byAction('session.ended')[0]).toMatchObject({ actor_id: id, details: { session_id: phoneSession.id } });
    for (const event of events) {
      expect(event.request_id).toEqual(expect.any(String));
      expect(Date.parse(event.at)).not.toBeNaN();
    }
  });

  it('records a failed login to no account, and a lockout', async () => {
    const email = uniqueEmail('audit');
    expect((await api.post('/auth/login', { body: { email, password: 'whatever it is' } })).status).toBe(401);
    for (let i = 0; i < 3; i++) await api.post('/auth/login', { body: { email, password: 'whatever it is' } });
    expect((await api.post('/auth/login', { body: { email, password: 'whatever it is' } })).status).toBe(429);
    const failed = await api.get('/api/audit?action=login.failed&limit=100', { token: admin });
    expect(failed.body.data.filter((e: Event) => e.details.login_digest === digestOf(email))[0]).toMatchObject({
      user_id: null,
      details: { reason: 'unknown_account' },
    });
    const locked = await api.get('/api/audit?action=login.locked', { token: admin });
    expect(locked.body.data.some((e: Event) => e.details.login_digest === digestOf(email))).toBe(true);
    // The name tried is never kept as typed: it could be a password typed into the wrong field.
    expect(JSON.stringify([failed.body, locked.body])).not.toContain(email);
  });

  it('records signing out everywhere else as one event by the owner; a refused one records nothing', async () => {
    const email = uniqueEmail('audit');
    const password = 'many devices here';
    const laptop = await api.register({ email, password });
    const id: number = laptop.user.id;
    const phone = await api.post('/auth/login', { body: { email, password } });
    const tablet = await api.post('/auth/login', { body: { email, password } });
    tokens.push(laptop.token, laptop.refresh_token, phone.body.access_token, phone.body.refresh_token, tablet.body.access_token);

    const ended = await api.delete('/users/sessions', { token: laptop.token, headers: { 'x-request-id': 'audit-end-others' } });
    expect(ended.status).toBe(204);
    // The phone's session has ended: its own "everywhere else" is refused, and is no event.
    expect((await api.delete('/users/sessions', { token: phone.body.access_token })).status).toBe(401);

    const events = await eventsOf(id);
    expect(events.map((e) => e.action)).toEqual(['signup', 'login.succeeded', 'login.succeeded', 'session.ended']);
    expect(events[3]).toMatchObject({
      actor_id: id,
      user_id: id,
      ip: '127.0.0.1',
      request_id: 'audit-end-others',
      details: { sessions: 'all_but_current' },
    });
  });

  it("records an administrator's changes with their actor, and old and new role and activity", async () => {
    const adminId = (await api.get('/users', { token: admin })).body.id;
    const created = await api.post('/api/users', { token: admin, body: { email: uniqueEmail('audit'), name: 'Made By Admin', password: 'made by an admin' } });
    const id = created.body.id;
    await api.put(`/api/users/${id}`, { token: admin, body: { name: 'Renamed' } });
    await api.put(`/api/users/${id}`, { token: admin, body: { role: 'DRIVER', is_active: false } });
    await api.put(`/api/users/${id}`, { token: admin, body: { is_active: true } });
    await api.request('POST', `/api/users/${id}/unlock`, { token: admin });
    await api.delete(`/api/users/${id}/sessions`, { token: admin });
    await api.delete(`/api/users/${id}`, { token: admin });

    const events = await eventsOf(id);
    expect(events.map((e) => [e.action, e.actor_id])).toEqual([
      ['admin.user_created', adminId],
      ['admin.user_updated', adminId],
      ['admin.user_updated', adminId],
      ['admin.user_updated', adminId],
      ['admin.user_unlocked', adminId],
      ['session.ended', adminId],
      ['admin.user_deleted', adminId],
    ]);
    expect(events[0].details).toEqual({ role: 'USER', invited: false });
    expect(events[1].details).toEqual({ fields: ['name'] });
    expect(events[2].details).toEqual({
      fields: ['role', 'is_active'],
      role: { old: 'USER', new: 'DRIVER' },
      is_active: { old: true, new: false },
    });
    expect(events[3].details).toEqual({ fields: ['is_active'], is_active: { old: false, new: true } });
    expect(events[5].details).toEqual({ sessions: 'all' });

    // The admin's own filter finds them too; a time window and an action narrow it.
    const mine = await api.get(`/api/audit?actor_id=${adminId}&action=admin.user_updated&limit=100`, { token: admin });
    expect(mine.body.data.filter((e: Event) => e.user_id === id)).toHaveLength(3);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await api.get(`/api/audit?user_id=${id}&from=${future}`, { token: admin });
    expect(none.body).toMatchObject({ data: [], total: 0, page: 1, limit: 20, total_is_capped: false });
  });

  it("records a picture's upload and removal as a profile update, by the owner or an administrator", async () => {
    const adminId = (await api.get('/users', { token: admin })).body.id;
    const { user, token } = await api.register();
    tokens.push(token);
    expect((await api.put('/users/avatar', { token, body: upload(await png(16, 16, '#0c0d0e')) })).status).toBe(200);
    expect((await api.delete('/users/avatar', { token })).status).toBe(200);
    expect((await api.put(`/api/users/${user.id}/avatar`, { token: admin, body: upload(await png(16, 16, '#0e0d0c')) })).status).toBe(200);
    expect((await api.delete(`/api/users/${user.id}/avatar`, { token: admin })).status).toBe(200);
    // Refused uploads change nothing, and write no event.
    expect((await api.put('/users/avatar', { token, body: upload(Buffer.from('not a picture')) })).status).toBe(400);
    expect((await api.put('/api/users/999999/avatar', { token: admin, body: upload(await png(16, 16, '#0e0e0e')) })).status).toBe(404);

    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.action, e.actor_id, e.details])).toEqual([
      ['signup', user.id, {}],
      ['profile.updated', user.id, { fields: ['image_path'] }],
      ['profile.updated', user.id, { fields: ['image_path'] }],
      ['admin.user_updated', adminId, { fields: ['image_path'] }],
      ['admin.user_updated', adminId, { fields: ['image_path'] }],
    ]);
    expect(events.every((e) => e.request_id)).toBe(true);
  });

  it('pages newest first, and refuses bad filters with 400 naming the parameter; 403 for a user', async () => {
    const page1 = await api.get('/api/audit?limit=2', { token: admin });
    const page2 = await api.get('/api/audit?limit=2&page=2', { token: admin });
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.data[0].id).toBeGreaterThan(page1.body.data[1].id);
    expect(page1.body.data[1].id).toBeGreaterThan(page2.body.data[0].id);
    expect(page1.body.total).toBeGreaterThan(4);

    for (const [query, field] of [
      ['user_id=0', 'user_id'],
      ['actor_id=abc', 'actor_id'],
      ['action=login.nope', 'action'],
      ['from=yesterday', 'from'],
      ['from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z', 'to'],
      ['limit=101', 'limit'],
      ['page=0', 'page'],
      ['page=1000', 'page'],
      ['sort=id', 'sort'],
    ]) {
      const refused = await api.get(`/api/audit?${query}`, { token: admin });
      expect([query, refused.status, refused.body.errors?.[0]?.field]).toEqual([query, 400, field]);
    }
    const { token } = await api.register();
    tokens.push(token);
    expect((await api.get('/api/audit', { token })).status).toBe(403);
  });

  it("shows a user their own events only, an administrator's on their account included", async () => {
    const one = await api.register();
    const other = await api.register();
    tokens.push(one.token, other.token);
    await api.put('/users', { token: one.token, body: { name: 'One Changed' } });
    await api.put('/users', { token: other.token, body: { name: 'Other Changed' } });
    await api.put(`/api/users/${one.user.id}`, { token: admin, body: { lastname: 'ByAdmin' } });

    const activity = await api.get('/users/activity', { token: one.token });
    expect(activity.status).toBe(200);
    expect(activity.body.data.map((e: Event) => e.action)).toEqual(['admin.user_updated', 'profile.updated', 'signup']);
    expect(activity.body.data.every((e: Event) => e.user_id === one.user.id)).toBe(true);
    // The administrator shows as such: not by account, address or request.
    const [byAdmin, byOwner] = activity.body.data;
    expect(byAdmin).toMatchObject({ actor: 'administrator', actor_id: null, ip: null, request_id: null });
    expect(byOwner).toMatchObject({ actor: 'self', actor_id: one.user.id, ip: '127.0.0.1' });
    // The administrators' own trail keeps who it was.
    const trail = await api.get(`/api/audit?user_id=${one.user.id}&action=admin.user_updated`, { token: admin });
    expect(trail.body.data[0]).toMatchObject({ actor: 'administrator', actor_id: expect.any(Number), ip: '127.0.0.1' });
    expect((await api.get('/users/activity?limit=0', { token: one.token })).status).toBe(400);
    await api.post('/auth/logout', { token: one.token, body: {} });
    expect((await api.get('/users/activity', { token: one.token })).status).toBe(401);
  });

  it('holds no password, hash, token or signing key in any event', async () => {
    const rows: unknown[] = await testApp().app.get(DataSource).query('SELECT * FROM audit_events');
    const text = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(30);
    const hashes: { password_hash: string }[] = await testApp().app.get(DataSource).query('SELECT password_hash FROM users WHERE password_hash IS NOT NULL');
    expect(text).not.toMatch(BCRYPT_HASH);
    expect(text).not.toContain(TEST_JWT_SECRET);
    for (const { password_hash } of hashes) expect(text).not.toContain(password_hash);
    for (const password of api.passwordsSent) expect(text).not.toContain(password);
    expect(tokens.length).toBeGreaterThan(20);
    for (const token of tokens) expect(text).not.toContain(token);
  });
});
