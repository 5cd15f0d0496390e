import { DataSource } from 'typeorm';
import { SessionActivity } from '../src/auth/sessions/session-activity';
import { ADMIN, useApp } from './support/test-app';
import { uniqueEmail } from './support/unique';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Sessions as the devices a user is signed in on: listed, and ended from another one at once. */
describe('sessions as devices', () => {
  const { api, testApp } = useApp();

  /** A new account signed in on a laptop (sign-up) and on a phone (login); both tokens. */
  async function onTwoDevices() {
    const registered = await api.post('/auth/register', {
      body: { email: uniqueEmail('devices'), password: 'two devices here', name: 'Two Devices' },
      headers: { 'user-agent': FIREFOX },
    });
    const { email } = registered.body.user;
    api.passwordsSent.add('two devices here');
    const phone = await api.post('/auth/login', { body: { email, password: 'two devices here' }, headers: { 'user-agent': IPHONE } });
    return { user: registered.body.user, laptop: registered.body.access_token as string, phone: phone.body.access_token as string };
  }

  it('lists where the user is signed in: device, address, times, the current one marked', async () => {
    const { laptop } = await onTwoDevices();
    const listed = await api.get('/users/sessions', { token: laptop });
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(2);
    const byDevice = Object.fromEntries(listed.body.map((session: { device: string }) => [session.device, session]));
    expect(byDevice['Firefox on Linux']).toMatchObject({ current: true, ip: '127.0.0.1', user_agent: FIREFOX });
    expect(byDevice['Safari on iOS']).toMatchObject({ current: false, ip: '127.0.0.1', user_agent: IPHONE });
    for (const session of listed.body) {
      expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(session.last_used_at)).toBeGreaterThanOrEqual(Date.parse(session.created_at));
    }
  });

  it('moves last_used_at when a token is used, written at most once a minute and not on the request', async () => {
    const { laptop, phone } = await onTwoDevices();
    const query = (sql: string, parameters: unknown[]) => testApp().app.get(DataSource).query(sql, parameters);
    const activity = testApp().app.get(SessionActivity);
    await activity.flush();
    const phoneSession = (await api.get('/users/sessions', { token: laptop })).body.find((s: { current: boolean }) => !s.current);
    await query(`UPDATE sessions SET last_used_at = now() - interval '2 hours' WHERE id = $1`, [phoneSession.id]);

    expect((await api.get('/users', { token: phone })).status).toBe(200);
    const stored = async () => (await query(`SELECT last_used_at FROM sessions WHERE id = $1`, [phoneSession.id]))[0].last_used_at;
    // Not written by the request itself...
    expect(Date.now() - new Date(await stored()).getTime()).toBeGreaterThan(3_600_000);
    // ...but shown at once, and written by the next flush.
    const shown = (await api.get('/users/sessions', { token: laptop })).body.find((s: { id: string }) => s.id === phoneSession.id);
    expect(Date.now() - Date.parse(shown.last_used_at)).toBeLessThan(60_000);
    await activity.flush();
    expect(Date.now() - new Date(await stored()).getTime()).toBeLessThan(60_000);
  });

  it('signs the phone out from the laptop: the phone\'s token stops at once; ids of others are 404, malformed 400', async () => {
    const { laptop, phone } = await onTwoDevices();
    const other = await onTwoDevices();
    const phoneSession = (await api.get('/users/sessions', { token: laptop })).body.find((s: { current: boolean }) => !s.current);
    const othersSession = (await api.get('/users/sessions', { token: other.laptop })).body[0];

    const notMine = await api.delete(`/users/sessions/${othersSession.id}`, { token: laptop });
    expect([notMine.status, notMine.body.code]).toEqual([404, 'SESSION_NOT_FOUND']);
    expect((await api.get('/users', { token: other.laptop })).status).toBe(200);
    const malformed = await api.delete('/users/sessions/not-a-uuid', { token: laptop });
    expect([malformed.status, malformed.body.errors]).toEqual([400, [{ field: 'id', message: 'id must be a UUID.' }]]);

    expect((await api.get('/users', { token: phone })).status).toBe(200);
    expect((await api.delete(`/users/sessions/${phoneSession.id}`, { token: laptop })).status).toBe(204);
    expect((await api.get('/users', { token: phone })).status).toBe(401);
    expect((await api.delete(`/users/sessions/${phoneSession.id}`, { token: laptop })).status).toBe(404);
    // The phone's token can no longer end anything, nor list.
    expect((await api.get('/users/sessions', { token: phone })).status).toBe(401);
    expect((await api.delete(`/users/sessions/${phoneSession.id}`, { token: phone })).status).toBe(401);
    expect((await api.delete('/users/sessions', { token: phone })).status).toBe(401);
  });

  it('signs out everywhere else, keeping the current session', async () => {
    const { laptop, phone } = await onTwoDevices();
    expect((await api.delete('/users/sessions', { token: laptop })).status).toBe(204);
    expect((await api.get('/users', { token: phone })).status).toBe(401);
    const left = await api.get('/users/sessions', { token: laptop });
    expect(left.body).toHaveLength(1);
    expect(left.body[0].current).toBe(true);
  });

  it("lets an admin list and end a user's sessions, one or all; 404 for a missing user or another's session", async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const { user, laptop, phone } = await onTwoDevices();
    const other = await onTwoDevices();
    const listed = await api.get(`/api/users/${user.id}/sessions`, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.map((s: { device: string; current: boolean }) => [s.device, s.current]).sort()).toEqual([
      ['Firefox on Linux', false],
      ['Safari on iOS', false],
    ]);
    expect((await api.get(`/api/users/${user.id}/sessions`, { token: laptop })).status).toBe(403);
    expect((await api.get('/api/users/999999/sessions', { token: admin })).status).toBe(404);

    const phoneSession = listed.body.find((s: { device: string }) => s.device === 'Safari on iOS');
    const othersSession = (await api.get(`/api/users/${other.user.id}/sessions`, { token: admin })).body[0];
    expect((await api.delete(`/api/users/${user.id}/sessions/${othersSession.id}`, { token: admin })).status).toBe(404);
    const badSid = await api.delete(`/api/users/${user.id}/sessions/1`, { token: admin });
    expect([badSid.status, badSid.body.errors?.[0]?.field]).toEqual([400, 'sid']);
    expect((await api.delete(`/api/users/${user.id}/sessions/${phoneSession.id}`, { token: admin })).status).toBe(204);
    expect((await api.get('/users', { token: phone })).status).toBe(401);
    expect((await api.get('/users', { token: laptop })).status).toBe(200);

    expect((await api.delete(`/api/users/${user.id}/sessions`, { token: admin })).status).toBe(204);
    expect((await api.get('/users', { token: laptop })).status).toBe(401);
    expect((await api.delete('/api/users/999999/sessions', { token: admin })).status).toBe(404);
    expect((await api.get('/users', { token: other.laptop })).status).toBe(200);
  });
});
