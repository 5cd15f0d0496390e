import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ADMIN, startTestApp, TestApp, useTestApp } from './support/test-app';
import { expectNoSecrets } from './support/secrets';

describe('sessions: refresh, logout, password change, self-delete', () => {
  const api = useTestApp();

  describe('POST /auth/refresh', () => {
    it('rotates: a new pair works, the old refresh token does not', async () => {
      const { refresh_token, token } = await api.register();
      const refreshed = await api.post('/auth/refresh', { body: { refresh_token } });
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
      expect(refreshed.body.refresh_token).not.toBe(refresh_token);
      expect((await api.get('/users', { token: refreshed.body.access_token })).status).toBe(200);
      // The access token of before the refresh belongs to the same session and still works.
      expect((await api.get('/users', { token })).status).toBe(200);
      const again = await api.post('/auth/refresh', { body: { refresh_token: refreshed.body.refresh_token } });
      expect(again.status).toBe(200);
    });

    it('gives two tabs refreshing with one token at once a working pair each: the session survives', async () => {
      const { refresh_token } = await api.register();
      const [a, b] = await Promise.all([
        api.post('/auth/refresh', { body: { refresh_token } }),
        api.post('/auth/refresh', { body: { refresh_token } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.refresh_token).not.toBe(b.body.refresh_token);
      for (const pair of [a, b]) {
        expect((await api.get('/users', { token: pair.body.access_token })).status).toBe(200);
        expect((await api.post('/auth/refresh', { body: { refresh_token: pair.body.refresh_token } })).status).toBe(200);
      }
    });

    it('gives a pair to the same token presented again within REFRESH_REUSE_INTERVAL of its exchange', async () => {
      const { refresh_token } = await api.register();
      const first = await api.post('/auth/refresh', { body: { refresh_token } });
      const second = await api.post('/auth/refresh', { body: { refresh_token } });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect((await api.get('/users', { token: first.body.access_token })).status).toBe(200);
    });

    describe('once REFRESH_REUSE_INTERVAL has passed', () => {
      const late = useTestApp({ REFRESH_REUSE_INTERVAL: '1s' });

      it('treats a reused refresh token as theft: the whole session ends', async () => {
        const { refresh_token } = await late.register();
        const first = await late.post('/auth/refresh', { body: { refresh_token } });
        expect(first.status).toBe(200);
        await sleep(1_100);
        const replay = await late.post('/auth/refresh', { body: { refresh_token } });
        expect(replay.status).toBe(401);
        expect(replay.body.code).toBe('UNAUTHORIZED');
        expect(replay.body.detail).toMatch(/already used/);
        expect((await late.get('/users', { token: first.body.access_token })).status).toBe(401);
        const next = await late.post('/auth/refresh', { body: { refresh_token: first.body.refresh_token } });
        expect(next.status).toBe(401);
      });
    });

    it.each([
      ['an unknown token', { refresh_token: 'x'.repeat(43) }, 401],
      ['no token', {}, 400],
      ['a number', { refresh_token: 42 }, 400],
    ])('answers %s with %i', async (_case, body, status) => {
      expect((await api.post('/auth/refresh', { body })).status).toBe(status);
    });

    it('refuses the refresh token of a deactivated user', async () => {
      const { user, refresh_token } = await api.register();
      const admin = await api.login(ADMIN.email, ADMIN.password);
      await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: false } });
      expect((await api.post('/auth/refresh', { body: { refresh_token } })).status).toBe(401);
    });
  });

  describe('POST /auth/logout', () => {
    it('ends the access token’s session and only that one', async () => {
      const { user, password, token, refresh_token } = await api.register();
      const other = await api.login(user.email, password);
      expect((await api.post('/auth/logout', { token })).status).toBe(204);
      expect((await api.get('/users', { token })).status).toBe(401);
      expect((await api.post('/auth/refresh', { body: { refresh_token } })).status).toBe(401);
      expect((await api.get('/users', { token: other })).status).toBe(200);
      expect((await api.post('/auth/logout', { token })).status).toBe(401);
    });

    it('ends a session by its refresh token alone (an expired access token is no obstacle)', async () => {
      const { token, refresh_token } = await api.register();
      const response = await api.post('/auth/logout', { body: { refresh_token } });
      expect(response.status).toBe(204);
      expect((await api.get('/users', { token })).status).toBe(401);
    });

    it('answers 401 when nothing names an open session', async () => {
      expect((await api.post('/auth/logout')).status).toBe(401);
      expect((await api.post('/auth/logout', { token: 'garbage', body: { refresh_token: 'nope' } })).status).toBe(401);
    });
  });

  describe('POST /users/password', () => {
    it('changes the password: other sessions end, this one goes on', async () => {
      const { user, password, token } = await api.register();
      const other = await api.login(user.email, password);
      const otherRefresh = (await api.post('/auth/login', { body: { email: user.email, password } })).body.refresh_token;
      const response = await api.post('/users/password', {
        token,
        body: { current_password: password, new_password: 'a-brand-new-password' },
      });
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect((await api.get('/users', { token })).status).toBe(200);
      expect((await api.get('/users', { token: other })).status).toBe(401);
      expect((await api.post('/auth/refresh', { body: { refresh_token: otherRefresh } })).status).toBe(401);
      const old = await api.post('/auth/login', { body: { email: user.email, password } });
      expect(old.status).toBe(401);
      expect(await api.login(user.email, 'a-brand-new-password')).toEqual(expect.any(String));
    });

    it('refuses a wrong current password with 401 INVALID_CREDENTIALS and changes nothing', async () => {
      const { user, password, token } = await api.register();
      const response = await api.post('/users/password', {
        token,
        body: { current_password: 'not-my-password', new_password: 'another-password' },
      });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_CREDENTIALS');
      expect(await api.login(user.email, password)).toEqual(expect.any(String));
      expect((await api.get('/users', { token })).status).toBe(200);
    });

    it.each([
      ['new_password', { new_password: 'short' }],
      ['new_password', { new_password: 'x'.repeat(73) }],
      ['current_password', { current_password: 5 }],
      ['password', { password: 'x'.repeat(10) }],
    ])('refuses a bad %s with 400', async (field, fields) => {
      const { password, token } = await api.register();
      const response = await api.post('/users/password', {
        token,
        body: { current_password: password, new_password: 'a-valid-password', ...fields },
      });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    });

    it('needs a valid access token', async () => {
      const response = await api.post('/users/password', { body: { current_password: 'x', new_password: 'yyyyyyyy' } });
      expect(response.status).toBe(401);
    });
  });

  describe('DELETE /users', () => {
    it('soft-deletes: the token dies, the login fails, the email and username are free again', async () => {
      const { user, password, token } = await api.register({ username: 'Leaving_Soon' });
      const wrong = await api.request('DELETE', '/users', { token, body: { current_password: 'wrong-password' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      expect((await api.get('/users', { token })).status).toBe(200);

      const response = await api.request('DELETE', '/users', { token, body: { current_password: password } });
      expect(response.status).toBe(204);
      expect((await api.get('/users', { token })).status).toBe(401);
      expect((await api.post('/auth/login', { body: { email: user.email, password } })).status).toBe(401);
      const again = await api.register({ email: user.email.toUpperCase(), username: 'leaving_soon' });
      expect(again.user.id).not.toBe(user.id);
      const admin = await api.login(ADMIN.email, ADMIN.password);
      expect((await api.get(`/api/users/${user.id}`, { token: admin })).status).toBe(404);
    });

    it('needs the current password in the body', async () => {
      const { token } = await api.register();
      expect((await api.request('DELETE', '/users', { token })).status).toBe(400);
    });

    it('refuses to delete the last active admin', async () => {
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const response = await api.request('DELETE', '/users', { token: admin, body: { current_password: ADMIN.password } });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('LAST_ADMIN');
    });
  });
});

describe('a hash made at a lower cost', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ BCRYPT_ROUNDS: '5' });
  });
  afterAll(async () => {
    await testApp.close();
    expectNoSecrets(testApp.api);
  });

  it('is re-hashed at BCRYPT_ROUNDS on the next good login', async () => {
    const { api, app } = testApp;
    const { user, password } = await api.register();
    const dataSource = app.get(DataSource);
    const bcrypt = await import('bcrypt');
    await dataSource.query('UPDATE users SET password_hash = $1 WHERE id = $2', [await bcrypt.hash(password, 4), user.id]);
    const cost = async () => {
      const [{ password_hash }] = await dataSource.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      return bcrypt.getRounds(password_hash);
    };
    expect(await cost()).toBe(4);
    await api.post('/auth/login', { body: { email: user.email, password: 'a-wrong-password' } });
    expect(await cost()).toBe(4);
    await api.login(user.email, password);
    expect(await cost()).toBe(5);
    expect(await api.login(user.email, password)).toEqual(expect.any(String));
  });
});
