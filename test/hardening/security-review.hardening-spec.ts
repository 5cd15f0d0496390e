import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { expectAnsweredAlike } from '../support/alike-answers';
import { ApiClient } from '../support/api-client';
import { PrivateRedis } from '../support/private-redis';
import { ADMIN, listenOnLoopback, startTestApp, testAppEnv, TestApp } from '../support/test-app';
import { createTestDatabase, onPostgresServer, TestDatabase } from '../support/test-database';
import { randomSuffix, uniqueEmail } from '../support/unique';
import { expectProblem, useAttackApp } from './support/attack-app';

/**
 * The findings of the security review of issue 11, each as the reviewer met it: every test
 * here failed on the code before the fix.
 */

describe('finding 1: a body of thousands of unknown keys is refused cheaply', () => {
  const { api } = useAttackApp();
  // About 88 kB of JSON: 11,000 keys, under the 100 kB body limit.
  const hostile = JSON.stringify(Object.fromEntries(Array.from({ length: 11_000 }, (_, i) => [i.toString(36), 1])));

  it('answers 400 with one short error, on an unauthenticated route and on PUT /users', async () => {
    expect(hostile.length).toBeGreaterThan(80_000);
    const { token } = await api.register();
    for (const response of [
      await api.post('/auth/logout', { body: hostile }),
      await api.put('/users', { token, body: hostile }),
      await api.post('/auth/login', { body: hostile }),
    ]) {
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: '', message: 'The request has more than 100 fields.' }]);
      expect(response.text.length).toBeLessThan(1_000);
      // Refused by the scan before JSON.parse: Fastify then closes the connection, as after
      // any body it could not parse.
      expect(response.headers.get('connection')).toBe('close');
    }
  });

  it('names only the first unknown field of a small body, and never more than 10 errors', async () => {
    const response = await api.post('/auth/logout', { body: { a: 1, b: 2, c: 3 } });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toEqual([{ field: 'a', message: 'a is not a field of this request.' }]);
    const wrongTypes = Object.fromEntries(
      ['email', 'password', 'name', 'username', 'firstname', 'lastname', 'phone_number', 'image_path', 'role', 'is_active'].map(
        (field) => [field, 12],
      ),
    );
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const many = await api.post('/api/users', { token: admin, body: wrongTypes });
    expectProblem(many, 400, 'VALIDATION_FAILED');
    expect(many.body.errors.length).toBeGreaterThan(1);
    expect(many.body.errors.length).toBeLessThanOrEqual(10);
  });
});

describe('finding 2: every route that checks a password spends the address budget and counts toward the lockout', () => {
  describe('the lockout', () => {
    const { api } = useAttackApp({ LOGIN_MAX_FAILURES: '3' });

    it('locks DELETE /users after LOGIN_MAX_FAILURES wrong passwords: the right one is refused, and login too', async () => {
      const { token, password, user } = await api.register();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await api.request('DELETE', '/users', { token, body: { current_password: `wrong-${i}-password` } })).status);
      }
      expect(statuses).toEqual([401, 401, 401]);
      const locked = await api.request('DELETE', '/users', { token, body: { current_password: password } });
      expectProblem(locked, 429, 'ACCOUNT_LOCKED');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Not deleted, and the lock is the account's: its login is locked too, by either name.
      expect((await api.get('/users', { token })).status).toBe(200);
      expectProblem(await api.post('/auth/login', { body: { email: user.email, password } }), 429, 'ACCOUNT_LOCKED');
      expectProblem(await api.post('/auth/login', { body: { username: user.username, password } }), 429, 'ACCOUNT_LOCKED');
    });

    it('counts POST /users/password failures toward the same lockout as failed logins', async () => {
      const { token, password, user } = await api.register();
      const wrong = { current_password: 'not-the-password', new_password: 'a-new-password-1' };
      expect((await api.post('/users/password', { token, body: wrong })).status).toBe(401);
      expect((await api.post('/auth/login', { body: { email: user.email, password: 'still-wrong-1' } })).status).toBe(401);
      expect((await api.post('/users/password', { token, body: wrong })).status).toBe(401);
      // Three wrong passwords in all: the right one is refused now, at login and on the route.
      expectProblem(await api.post('/auth/login', { body: { email: user.email, password } }), 429, 'ACCOUNT_LOCKED');
      expectProblem(await api.post('/users/password', { token, body: { ...wrong, current_password: password } }), 429, 'ACCOUNT_LOCKED');
    });

    it('starts the count again after the right current password', async () => {
      const { token, password, user } = await api.register();
      const wrong = { current_password: 'not-the-password', new_password: 'a-new-password-1' };
      expect((await api.post('/users/password', { token, body: wrong })).status).toBe(401);
      expect((await api.post('/users/password', { token, body: wrong })).status).toBe(401);
      expect((await api.post('/users/password', { token, body: { ...wrong, current_password: password } })).status).toBe(204);
      expect((await api.post('/auth/login', { body: { email: user.email, password: 'wrong-again-1' } })).status).toBe(401);
      expect((await api.post('/auth/login', { body: { email: user.email, password: 'wrong-again-2' } })).status).toBe(401);
      expect((await api.post('/auth/login', { body: { email: user.email, password: wrong.new_password } })).status).toBe(200);
    });
  });

  describe('the address budget', () => {
    const { api } = useAttackApp({ RATE_LIMIT_AUTH_PER_MINUTE: '4', LOGIN_MAX_FAILURES: '100' });

    it('rate-limits DELETE /users with the other password routes', async () => {
      const { token, password } = await api.register();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await api.request('DELETE', '/users', { token, body: { current_password: `guess-${i}-password` } })).status);
      }
      expect(statuses).toEqual([401, 401, 401]);
      const limited = await api.request('DELETE', '/users', { token, body: { current_password: password } });
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect((await api.get('/users', { token })).status).toBe(200);
    });
  });
});

describe('finding 3: the lockout answers alike for an existing account and an unknown name', () => {
  const { api } = useAttackApp({ LOGIN_MAX_FAILURES: '3' });

  type Login = (name: string, username: string, password: string) => Record<string, string>;
  const byEmail: Login = (name, _username, password) => ({ email: name, password });
  const byEmailAsUsername: Login = (name, _username, password) => ({ username: name, password });
  const byUpperCaseEmail: Login = (name, _username, password) => ({ email: name.toUpperCase(), password });
  const byFullwidthEmail: Login = (name, _username, password) => ({
    email: name.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
    password,
  });
  const WRONG = 'wrong-password-1';

  /**
   * Sequences an attacker can send: wrong passwords in several forms of one name, and the
   * right password (which only the owner knows) only once the name is locked.
   */
  const SEQUENCES: Record<string, [Login, boolean][]> = {
    "three as username, then by email (the reviewer's)": [
      [byEmailAsUsername, false],
      [byEmailAsUsername, false],
      [byEmailAsUsername, false],
      [byEmail, false],
      [byEmail, true],
    ],
    'three by email, then as username, then the right password': [
      [byEmail, false],
      [byEmail, false],
      [byEmail, false],
      [byEmailAsUsername, false],
      [byEmail, true],
    ],
    'mixed case and fullwidth forms of one email': [
      [byUpperCaseEmail, false],
      [byFullwidthEmail, false],
      [byEmail, false],
      [byUpperCaseEmail, true],
      [byFullwidthEmail, false],
    ],
    'alternating forms': [
      [byEmail, false],
      [byEmailAsUsername, false],
      [byEmail, false],
      [byEmailAsUsername, true],
      [byUpperCaseEmail, false],
    ],
  };

  it.each(Object.entries(SEQUENCES))('%s', async (_name, sequence) => {
    const { user, password } = await api.register();
    const unknown = uniqueEmail('review');
    // Request by request, the existing account then the unknown name, so that the clocks of
    // both locks run together.
    for (const [i, [form, right]] of sequence.entries()) {
      const existing = await api.post('/auth/login', { body: form(user.email, user.username, right ? password : WRONG) });
      const other = await api.post('/auth/login', { body: form(unknown, 'nobody', right ? password : WRONG) });
      expectAnsweredAlike(existing, other, i);
    }
    const last = await api.post('/auth/login', { body: { email: user.email, password } });
    expectProblem(last, 429, 'ACCOUNT_LOCKED');
  });
});

describe('finding 4: the bootstrap admin never comes back', () => {
  let dataDir: string | undefined;
  let database: TestDatabase;

  /** Starts the service on this block's database, runs `work` against it, and stops it. */
  async function withService<T>(work: (api: ApiClient, db: DataSource) => Promise<T>): Promise<T> {
    const app = await createApp(testAppEnv(database));
    const url = await listenOnLoopback(app);
    try {
      return await work(new ApiClient(url), app.get(DataSource));
    } finally {
      await app.close();
    }
  }

  const accountsNamed = (db: DataSource, address: string) =>
    db.query(`SELECT id, role, is_active, deleted_at IS NOT NULL AS deleted FROM users WHERE email = $1 ORDER BY id`, [address]);

  beforeAll(async () => {
    dataDir = onPostgresServer ? undefined : mkdtempSync(join(tmpdir(), 'accounts-seed-'));
    database = await createTestDatabase(dataDir);
  });

  afterAll(async () => {
    await database.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is not created again once deleted, nor when its email changed, while another admin is active', async () => {
    const bootstrapId = await withService(async (api) => {
      const token = await api.login(ADMIN.email, ADMIN.password);
      const secondEmail = uniqueEmail('review');
      await api.createAdmin(token, { email: secondEmail, password: 'second-admin-password', name: 'Second' });
      const me = await api.get('/users', { token });
      // Renamed by the other administrator: made at once (an owner's own change would wait for its link).
      const other = await api.login(secondEmail, 'second-admin-password');
      const renamed = await api.put(`/api/users/${me.body.id}`, { token: other, body: { email: 'renamed-admin@example.com' } });
      expect(renamed.status).toBe(200);
      return me.body.id as number;
    });
    await withService(async (api, db) => {
      expect(await accountsNamed(db, ADMIN.email)).toEqual([]);
      const admin = await api.login('renamed-admin@example.com', ADMIN.password);
      expect((await api.request('DELETE', '/users', { token: admin, body: { current_password: ADMIN.password } })).status).toBe(204);
    });
    await withService(async (api, db) => {
      expect(await accountsNamed(db, ADMIN.email)).toEqual([]);
      expect(await accountsNamed(db, 'renamed-admin@example.com')).toEqual([
        { id: bootstrapId, role: 'ADMIN', is_active: true, deleted: true },
      ]);
      expectProblem(await api.post('/auth/login', { body: ADMIN }), 401, 'INVALID_CREDENTIALS');
    });
  });

  it('leaves an account that has ADMIN_EMAIL as it is, even with no active admin', async () => {
    await withService(async (_api, db) => {
      // No active admin at all, and a plain user holding ADMIN_EMAIL (written behind the API:
      // the API itself never lets the last admin go).
      await db.query(`UPDATE users SET is_active = false WHERE role = 'ADMIN'`);
      await db.query(`INSERT INTO users (email, username, name, password_hash) VALUES ($1, 'plain_user', 'Plain', 'x')`, [
        ADMIN.email,
      ]);
    });
    await withService(async (api, db) => {
      const [plain] = await db.query(`SELECT role, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL`, [ADMIN.email]);
      expect(plain).toEqual({ role: 'USER', password_hash: 'x' });
      expectProblem(await api.post('/auth/login', { body: ADMIN }), 401, 'INVALID_CREDENTIALS');
    });
  });
});

describe('finding 5: no cache keeps tokens or account data', () => {
  const { api } = useAttackApp();

  it('answers Cache-Control: no-store everywhere, and Pragma: no-cache with tokens', async () => {
    const registered = await api.post('/auth/register', { body: { email: uniqueEmail('review'), password: 'a-fine-password-1', name: 'Cache' } });
    const login = await api.post('/auth/login', { body: ADMIN });
    const refresh = await api.post('/auth/refresh', { body: { refresh_token: registered.body.refresh_token } });
    for (const response of [registered, login, refresh]) {
      expect([response.path, response.status, response.headers.get('cache-control'), response.headers.get('pragma')]).toEqual([
        response.path,
        response.status,
        'no-store',
        'no-cache',
      ]);
    }
    const admin = login.body.access_token;
    for (const response of [
      await api.get('/users', { token: registered.body.access_token }),
      await api.put('/users', { token: refresh.body.access_token, body: { name: 'Cached' } }),
      await api.get('/api/users', { token: admin }),
      await api.get(`/api/users/${registered.body.user.id}`, { token: admin }),
      await api.get('/users'),
      await api.post('/auth/login', { body: { email: 'x@example.com', password: 'wrong-password' } }),
    ]) {
      expect([response.path, response.headers.get('cache-control')]).toEqual([response.path, 'no-store']);
    }
  });
});

describe('finding 6: look-alike accounts', () => {
  const { api } = useAttackApp();
  const register = (address: string, fields: Record<string, unknown> = {}) =>
    api.post('/auth/register', { body: { email: address, password: 'look-alike-password', name: 'Look Alike', ...fields } });

  it('refuses or meets the unique index for every look-alike of an existing email', async () => {
    const taken = uniqueEmail('victim');
    expect((await register(taken)).status).toBe(201);
    const [local, domain] = taken.split('@');
    const lookAlikes: [string, number][] = [
      [`${local}\u200b@${domain}`, 400],
      [`"${local}"@${domain}`, 400],
      [`${local}@exa\u00admple.com`, 400],
      [`${local}@ex\u0430mple.com`, 400],
      [`\u0432${local}@${domain}`, 400],
      [`${local.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))}@${domain}`, 409],
      [` ${local.toUpperCase()}@${domain.toUpperCase()} `, 409],
    ];
    for (const [address, status] of lookAlikes) {
      const response = await register(address);
      expect([JSON.stringify(address), response.status]).toEqual([JSON.stringify(address), status]);
    }
  });

  it('stores an international domain in ASCII, and logs in with either form', async () => {
    const local = `idn-${randomSuffix()}`;
    const registered = await register(`${local}@MÜNCHEN.de`);
    expect(registered.status).toBe(201);
    expect(registered.body.user.email).toBe(`${local}@xn--mnchen-3ya.de`);
    expect((await api.post('/auth/login', { body: { email: `${local}@münchen.de`, password: 'look-alike-password' } })).status).toBe(200);
    // NFD and NFC of one domain are one address.
    expectProblem(await register(`${local}@mu\u0308nchen.de`), 409, 'EMAIL_TAKEN');
  });

  it.each([
    ['name', 'Ad\u200bmin'],
    ['name', '\u200b\u200b'],
    ['name', 'Jane\u202eeoD'],
    ['firstname', 'Ja\u00adne'],
    ['lastname', 'Doe\u0007'],
    ['username', 'admin\u200b'],
  ])('refuses an invisible character in %s', async (field, value) => {
    const { token } = await api.register();
    for (const response of [await register(uniqueEmail('review'), { name: 'Visible', [field]: value }), await api.put('/users', { token, body: { [field]: value } })]) {
      if (response.path === '/auth/register' && !['name', 'username'].includes(field)) continue;
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field, message: expect.any(String) }]);
    }
  });
});

describe('finding 7: a write is done and 2xx, or not done and an error', () => {
  const redis = new PrivateRedis();
  let testApp: TestApp;

  beforeAll(async () => {
    await redis.start();
    testApp = await startTestApp({ REDIS_URL: redis.url });
  }, 60_000);

  afterAll(async () => {
    await testApp?.close();
    await redis.stop();
  });

  it('with Redis away, an admin password change answers 503 and changes nothing', async () => {
    const { api } = testApp;
    const { user, password, token } = await api.register();
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const db = testApp.app.get(DataSource);
    const [before] = await db.query(`SELECT password_hash, version FROM users WHERE id = $1`, [user.id]);
    await redis.stop();

    const response = await api.put(`/api/users/${user.id}`, { token: admin, body: { password: 'a-brand-new-password' } });

    expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
    expect(await db.query(`SELECT password_hash, version FROM users WHERE id = $1`, [user.id])).toEqual([before]);
    // The user's session was not ended either.
    expect((await api.get('/users', { token })).status).toBe(200);

    // The same request once Redis is back: done, and answered 200.
    await redis.start(redis.port);
    let retried = await api.put(`/api/users/${user.id}`, { token: admin, body: { password: 'a-brand-new-password' } });
    for (let tries = 0; retried.status === 503 && tries < 50; tries++) {
      await sleep(200);
      retried = await api.put(`/api/users/${user.id}`, { token: admin, body: { password: 'a-brand-new-password' } });
    }
    expect(retried.status).toBe(200);
    expectProblem(await api.post('/auth/login', { body: { email: user.email, password } }), 401, 'INVALID_CREDENTIALS');
  }, 60_000);
});

describe('finding 8: names of Object.prototype are unknown fields', () => {
  const { api } = useAttackApp();
  const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'toLocaleString'];

  it.each(NAMES)('refuses %s in every body and in the admin list query', async (name) => {
    const { token, user } = await api.register();
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const body = `{"name":"Proto","${name}":"x"}`;
    for (const response of [
      await api.put('/users', { token, body }),
      await api.put(`/api/users/${user.id}`, { token: admin, body }),
      await api.post('/api/users', { token: admin, body: `{"email":"${uniqueEmail('review')}","password":"proto-password-1","name":"P","${name}":"x"}` }),
      await api.get(`/api/users?${name}=x`, { token: admin }),
    ]) {
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: name, message: `${name} is not a field of this request.` }]);
    }
    expect((await api.get('/users', { token })).body.name).toBe('Test User');
  });
});

describe('finding 9: an administrator can lift a lockout', () => {
  const { api } = useAttackApp({ LOGIN_MAX_FAILURES: '3' });

  it('POST /api/users/{id}/unlock lets the right password in again, and only an admin may call it', async () => {
    const { user, password, token } = await api.register();
    for (let i = 0; i < 3; i++) await api.post('/auth/login', { body: { email: user.email, password: 'locking-it-out' } });
    expectProblem(await api.post('/auth/login', { body: { email: user.email, password } }), 429, 'ACCOUNT_LOCKED');
    expectProblem(await api.post(`/api/users/${user.id}/unlock`, { token }), 403, 'FORBIDDEN');
    const admin = await api.login(ADMIN.email, ADMIN.password);
    expectProblem(await api.post('/api/users/2147483647/unlock', { token: admin }), 404, 'USER_NOT_FOUND');

    const unlocked = await api.post(`/api/users/${user.id}/unlock`, { token: admin });

    expect(unlocked.status).toBe(204);
    expect((await api.post('/auth/login', { body: { email: user.email, password } })).status).toBe(200);
    expect((await api.post('/auth/login', { body: { username: user.username, password } })).status).toBe(200);
  });
});

describe('finding 10: common passwords are refused', () => {
  const { api } = useAttackApp();
  const COMMON = ['password', '12345678', '        ', 'Password1', 'iloveyou', 'qwertyuiop'];

  it.each(COMMON)('refuses %p at sign-up, as a new password, and from an administrator', async (weak) => {
    const address = uniqueEmail('review');
    // Weak passwords are sent as text, so that the secret scan does not look for the word
    // "password" in every answer.
    const signUp = await api.post('/auth/register', { body: JSON.stringify({ email: address, password: weak, name: 'Weak' }) });
    expectProblem(signUp, 400, 'WEAK_PASSWORD');
    expect(signUp.body.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
    const { token, password, user } = await api.register();
    const change = await api.post('/users/password', { token, body: JSON.stringify({ current_password: password, new_password: weak }) });
    expectProblem(change, 400, 'WEAK_PASSWORD');
    expect(change.body.errors).toEqual([{ field: 'new_password', message: expect.any(String) }]);
    const admin = await api.login(ADMIN.email, ADMIN.password);
    expectProblem(
      await api.post('/api/users', { token: admin, body: JSON.stringify({ email: address, password: weak, name: 'Weak' }) }),
      400,
      'WEAK_PASSWORD',
    );
    expectProblem(await api.put(`/api/users/${user.id}`, { token: admin, body: JSON.stringify({ password_hash: weak }) }), 400, 'WEAK_PASSWORD');
    // Nothing was stored: the old password still works, and no account has the address.
    expect((await api.post('/auth/login', { body: { email: user.email, password } })).status).toBe(200);
    expectProblem(await api.post('/auth/login', { body: JSON.stringify({ email: address, password: weak }) }), 401, 'INVALID_CREDENTIALS');
  });

  it("refuses the account's own email or username as its password", async () => {
    // As text: these "passwords" are meant to appear in answers, as the account's names.
    const address = uniqueEmail('review');
    expectProblem(
      await api.post('/auth/register', { body: JSON.stringify({ email: address, password: address.toUpperCase(), name: 'Same' }) }),
      400,
      'WEAK_PASSWORD',
    );
    expectProblem(
      await api.post('/auth/register', { body: { email: address, username: 'same_as_password', password: 'Same_As_Password', name: 'Same' } }),
      400,
      'WEAK_PASSWORD',
    );
    const { token, password, user } = await api.register();
    expectProblem(
      await api.post('/users/password', { token, body: JSON.stringify({ current_password: password, new_password: user.username }) }),
      400,
      'WEAK_PASSWORD',
    );
  });
});
