import type { ApiResponse } from '../support/api-client';
import { ADMIN } from '../support/test-app';
import { randomSuffix, uniqueEmail } from '../support/unique';
import { countStatuses, expectProblem, useAttackApp } from './support/attack-app';

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

/** Requests all sent at once: none waits for another's answer. */
const atOnce = (requests: (() => Promise<ApiResponse>)[]) => Promise.all(requests.map((request) => request()));

describe('races', () => {
  const { api, db } = useAttackApp();
  let admin: string;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  const liveWithEmail = async (email: string): Promise<number[]> =>
    (await db().query('SELECT id FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL', [email])).map(
      ({ id }: { id: number }) => id,
    );

  it('an administrator gives 50 users one email at once: one 200, 49 409 EMAIL_TAKEN, one live row', async () => {
    const users = await Promise.all(range(50).map(() => api.register()));
    const email = uniqueEmail('race');
    // Spelled three ways: the unique index ignores case, and the email is trimmed first.
    const spellings = [email, email.toUpperCase(), `  ${email.replace('race', 'RACE')}  `];
    const started = Date.now();
    const responses = await atOnce(
      users.map(({ user }, index) => () => api.put(`/api/users/${user.id}`, { token: admin, body: { email: spellings[index % 3] } })),
    );
    const elapsed = Date.now() - started;
    expect(countStatuses(responses)).toEqual({ 200: 1, 409: 49 });
    for (const response of responses.filter(({ status }) => status === 409)) expectProblem(response, 409, 'EMAIL_TAKEN');
    const winner = responses.findIndex(({ status }) => status === 200);
    expect(responses[winner].body.email).toBe(email);
    expect(await liveWithEmail(email)).toEqual([users[winner].user.id]);
    // Every loser kept its own email.
    const rows: { id: number; email: string }[] = await db().query('SELECT id, email FROM users WHERE id = ANY($1)', [
      users.map(({ user }) => user.id),
    ]);
    const emails = new Map(rows.map((row) => [row.id, row.email]));
    users.forEach(({ user }, index) => expect(emails.get(user.id)).toBe(index === winner ? email : user.email));
    console.log(`races: 50 × PUT /api/users/:id one email → ${JSON.stringify(countStatuses(responses))} in ${elapsed} ms`);
  });

  it('20 registrations of one email at once: one 201, 19 409 EMAIL_TAKEN, one live row, the winner’s password', async () => {
    const email = uniqueEmail('register-race');
    const passwords = range(20).map((index) => `password-${index}-${randomSuffix()}`);
    const started = Date.now();
    const responses = await atOnce(
      passwords.map((password, index) => () =>
        api.post('/auth/register', {
          body: { email: index % 2 ? email.toUpperCase() : email, password, name: `Racer ${index}` },
        }),
      ),
    );
    const elapsed = Date.now() - started;
    expect(countStatuses(responses)).toEqual({ 201: 1, 409: 19 });
    for (const response of responses.filter(({ status }) => status === 409)) expectProblem(response, 409, 'EMAIL_TAKEN');
    const winner = responses.findIndex(({ status }) => status === 201);
    expect(await liveWithEmail(email)).toEqual([responses[winner].body.user.id]);
    // The row is the winner's own: its name, its password, no one else's.
    const [row] = await db().query('SELECT name FROM users WHERE id = $1', [responses[winner].body.user.id]);
    expect(row.name).toBe(`Racer ${winner}`);
    expect((await api.post('/auth/login', { body: { email, password: passwords[winner] } })).status).toBe(200);
    const loser = (winner + 1) % 20;
    expectProblem(await api.post('/auth/login', { body: { email, password: passwords[loser] } }), 401, 'INVALID_CREDENTIALS');
    console.log(`races: 20 × POST /auth/register one email → ${JSON.stringify(countStatuses(responses))} in ${elapsed} ms`);
  });

  it('20 registrations of one username at once: one 201, 19 409 USERNAME_TAKEN', async () => {
    const username = `racer_${randomSuffix()}`;
    const responses = await atOnce(
      range(20).map((index) => () =>
        api.post('/auth/register', {
          body: {
            email: uniqueEmail(`username-race-${index}`),
            password: 'username-race-password',
            name: 'Racer',
            username: index % 2 ? username.toUpperCase() : username,
          },
        }),
      ),
    );
    expect(countStatuses(responses)).toEqual({ 201: 1, 409: 19 });
    for (const response of responses.filter(({ status }) => status === 409)) expectProblem(response, 409, 'USERNAME_TAKEN');
    const [{ count }] = await db().query(
      'SELECT count(*)::int AS count FROM users WHERE lower(username) = lower($1) AND deleted_at IS NULL',
      [username],
    );
    expect(count).toBe(1);
  });

  it('keeps every one of 10 concurrent admin updates of different fields of one user', async () => {
    const bcrypt = await import('bcrypt');
    for (const round of range(3)) {
      const { user, token } = await api.register();
      const [{ version: versionBefore }] = await db().query('SELECT version FROM users WHERE id = $1', [user.id]);
      const password = `new-password-${round}-${randomSuffix()}`;
      const changes: Record<string, unknown> = {
        name: `Raced Name ${round}`,
        firstname: `First${round}`,
        lastname: `Last${round}`,
        phone_number: `+1555000${1000 + round}`,
        image_path: `profile-pictures/raced-${round}.png`,
        username: `raced_${round}_${randomSuffix()}`,
        email: uniqueEmail(`raced-${round}`),
        role: 'DRIVER',
        is_active: false,
        password,
      };
      const started = Date.now();
      const responses = await atOnce(
        Object.entries(changes).map(([field, value]) => () =>
          api.put(`/api/users/${user.id}`, { token: admin, body: { [field]: value } }),
        ),
      );
      const elapsed = Date.now() - started;
      expect(responses.map(({ status, text }) => (status === 200 ? 200 : `${status} ${text}`))).toEqual(
        responses.map(() => 200),
      );
      // Each write raised the version once: ten distinct ETags, the last the row's.
      const etags = responses.map(({ headers }) => headers.get('etag'));
      expect(new Set(etags).size).toBe(10);
      const [row] = await db().query('SELECT * FROM users WHERE id = $1', [user.id]);
      expect(row.version).toBe(versionBefore + 10);
      expect(etags).toContain(`"${row.version}"`);
      for (const [field, value] of Object.entries(changes)) {
        if (field !== 'password') expect({ field, value: row[field] }).toEqual({ field, value });
      }
      expect(await bcrypt.compare(password, row.password_hash)).toBe(true);
      // A role change, a deactivation and a new password each end the user's sessions.
      expectProblem(await api.get('/users', { token }), 401, 'UNAUTHORIZED');
      console.log(`races: 10 × PUT /api/users/:id different fields (round ${round}) → all 200 in ${elapsed} ms`);
    }
  });

  const newAdmin = async () =>
    (await api.createAdmin(admin, { email: uniqueEmail('co-admin'), password: 'co-admin-password', name: 'Co-admin' })).id as number;

  it('lets two admins be demoted at once (the seeded admin stays): both 200, never 5xx', async () => {
    for (const round of range(5)) {
      const [a, b] = [await newAdmin(), await newAdmin()];
      const responses = await atOnce([a, b].map((id) => () => api.put(`/api/users/${id}`, { token: admin, body: { role: 'USER' } })));
      const outcome = responses.map(({ status, text }) => (status === 200 ? 200 : `${status} ${text}`));
      expect({ round, outcome }).toEqual({ round, outcome: [200, 200] });
    }
  });

  it('lets different admins be demoted, deactivated and deleted at once: each 2xx, never 5xx', async () => {
    // Each of these locks the target's row and then every admin row: two of them on
    // different admins must not deadlock (there are always other admins left).
    for (const round of range(3)) {
      const admins = await Promise.all(range(4).map(newAdmin));
      const [a, b, c, d] = admins;
      const responses = await atOnce([
        () => api.put(`/api/users/${a}`, { token: admin, body: { role: 'USER' } }),
        () => api.put(`/api/users/${b}`, { token: admin, body: { role: 'DRIVER' } }),
        () => api.put(`/api/users/${c}`, { token: admin, body: { is_active: false } }),
        () => api.request('DELETE', `/api/users/${d}`, { token: admin }),
      ]);
      const outcome = responses.map(({ status, text }) => (status < 300 ? 'ok' : `${status} ${text}`));
      expect({ round, outcome }).toEqual({ round, outcome: ['ok', 'ok', 'ok', 'ok'] });
      const rows = await db().query(
        'SELECT id, role, is_active, deleted_at IS NOT NULL AS deleted FROM users WHERE id = ANY($1) ORDER BY id',
        [admins],
      );
      const expected = [
        { id: a, role: 'USER', is_active: true, deleted: false },
        { id: b, role: 'DRIVER', is_active: true, deleted: false },
        { id: c, role: 'ADMIN', is_active: false, deleted: false },
        { id: d, role: 'ADMIN', is_active: true, deleted: true },
      ];
      expect(rows).toEqual(expected.sort((x, y) => x.id - y.id));
    }
  });

  it('one refresh token presented twice at once, as two tabs do: a working pair each, the session lives', async () => {
    const pairs = await Promise.all(range(10).map(() => api.register()));
    const results = await Promise.all(
      pairs.map(({ refresh_token }) =>
        atOnce([
          () => api.post('/auth/refresh', { body: { refresh_token } }),
          () => api.post('/auth/refresh', { body: { refresh_token } }),
        ]),
      ),
    );
    for (const [index, responses] of results.entries()) {
      expect(countStatuses(responses)).toEqual({ 200: 2 });
      for (const { body } of responses) {
        expect((await api.get('/users', { token: body.access_token })).status).toBe(200);
        expect((await api.post('/auth/refresh', { body: { refresh_token: body.refresh_token } })).status).toBe(200);
      }
      expect((await api.get('/users', { token: pairs[index].token })).status).toBe(200);
    }
  });

  describe('with REFRESH_REUSE_INTERVAL off: a second presentation is a replay', () => {
    const replays = useAttackApp({ REFRESH_REUSE_INTERVAL: '0' });

    it('one refresh token presented twice at once: one 200, one 401, and the session is revoked', async () => {
      const pairs = await Promise.all(range(10).map(() => replays.api.register()));
      const started = Date.now();
      const results = await Promise.all(
        pairs.map(({ refresh_token }) =>
          atOnce([
            () => replays.api.post('/auth/refresh', { body: { refresh_token } }),
            () => replays.api.post('/auth/refresh', { body: { refresh_token } }),
          ]),
        ),
      );
      const elapsed = Date.now() - started;
      for (const [index, responses] of results.entries()) {
        expect(countStatuses(responses)).toEqual({ 200: 1, 401: 1 });
        expectProblem(responses.find(({ status }) => status === 401)!, 401, 'UNAUTHORIZED');
        const winner = responses.find(({ status }) => status === 200)!.body;
        // The replay ended the session: the winner's new tokens and the old access token are refused.
        expectProblem(await replays.api.get('/users', { token: winner.access_token }), 401, 'UNAUTHORIZED');
        expectProblem(await replays.api.post('/auth/refresh', { body: { refresh_token: winner.refresh_token } }), 401, 'UNAUTHORIZED');
        expectProblem(await replays.api.get('/users', { token: pairs[index].token }), 401, 'UNAUTHORIZED');
      }
      console.log(`races: 10 × (2 × POST /auth/refresh one token) → ${JSON.stringify(countStatuses(results.flat()))} in ${elapsed} ms`);
    });

    it('one refresh token presented five times at once: one 200, four 401, the session revoked', async () => {
      const { refresh_token, token } = await replays.api.register();
      const responses = await atOnce(range(5).map(() => () => replays.api.post('/auth/refresh', { body: { refresh_token } })));
      expect(countStatuses(responses)).toEqual({ 200: 1, 401: 4 });
      const winner = responses.find(({ status }) => status === 200)!.body;
      expectProblem(await replays.api.get('/users', { token: winner.access_token }), 401, 'UNAUTHORIZED');
      expectProblem(await replays.api.get('/users', { token }), 401, 'UNAUTHORIZED');
    });
  });

  it('10 concurrent PUT /users with one If-Match: one 200, nine 412', async () => {
    const { token, user } = await api.register();
    const etag = (await api.get('/users', { token })).headers.get('etag')!;
    const started = Date.now();
    const responses = await atOnce(
      range(10).map((index) => () =>
        api.put('/users', { token, body: { name: `Writer ${index}` }, headers: { 'if-match': etag } }),
      ),
    );
    const elapsed = Date.now() - started;
    expect(countStatuses(responses)).toEqual({ 200: 1, 412: 9 });
    for (const response of responses.filter(({ status }) => status === 412)) {
      expectProblem(response, 412, 'PRECONDITION_FAILED');
    }
    const winner = responses.findIndex(({ status }) => status === 200);
    const [row] = await db().query('SELECT name, version FROM users WHERE id = $1', [user.id]);
    expect(row.name).toBe(`Writer ${winner}`);
    expect(`"${row.version}"`).toBe(responses[winner].headers.get('etag'));
    expect(row.version).toBe(Number(JSON.parse(etag)) + 1);
    console.log(`races: 10 × PUT /users one If-Match → ${JSON.stringify(countStatuses(responses))} in ${elapsed} ms`);
  });

  it('10 concurrent admin PUTs with one If-Match, plain and session-ending: one 200, nine 412', async () => {
    const { user } = await api.register();
    const etag = (await api.get(`/api/users/${user.id}`, { token: admin })).headers.get('etag')!;
    const bodies = range(10).map((index) =>
      index % 2 ? { name: `Admin writer ${index}` } : { role: index % 4 ? 'DRIVER' : 'USER', lastname: `Writer ${index}` },
    );
    const responses = await atOnce(
      bodies.map((body) => () => api.put(`/api/users/${user.id}`, { token: admin, body, headers: { 'if-match': etag } })),
    );
    expect(countStatuses(responses)).toEqual({ 200: 1, 412: 9 });
    const winner = responses.findIndex(({ status }) => status === 200);
    const [row] = await db().query('SELECT name, lastname, role, version FROM users WHERE id = $1', [user.id]);
    expect(row).toEqual(expect.objectContaining({ ...bodies[winner], version: Number(JSON.parse(etag)) + 1 }));
  });
});
