import { ADMIN, useTestApp } from './support/test-app';

describe('the admin API: PUT /api/users/:id', () => {
  const api = useTestApp();
  let admin: string;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  describe('guards', () => {
    it('answers 401 without a valid token and 403 to a USER or DRIVER', async () => {
      const { user, token, password } = await api.register();
      expect((await api.put(`/api/users/${user.id}`, { body: { name: 'X' } })).status).toBe(401);
      const forbidden = await api.put(`/api/users/${user.id}`, { token, body: { name: 'X' } });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      // Else the 403 below would be a USER's again.
      const toDriver = await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'DRIVER' } });
      expect([toDriver.status, toDriver.body.role]).toEqual([200, 'DRIVER']);
      const driver = await api.login(user.email, password);
      expect((await api.put(`/api/users/${user.id}`, { token: driver, body: { name: 'X' } })).status).toBe(403);
    });

    it('reads the role from the database, and a role change ends the sessions at once', async () => {
      const { user, token, password } = await api.register();
      const target = await api.register();
      const promotion = await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'ADMIN' } });
      expect([promotion.status, promotion.body.role]).toEqual([200, 'ADMIN']);
      expect((await api.get('/users', { token })).status).toBe(401);
      const promoted = await api.login(user.email, password);
      const allowed = await api.put(`/api/users/${target.user.id}`, { token: promoted, body: { name: 'By new admin' } });
      expect(allowed.status).toBe(200);
      const demotion = await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'USER' } });
      expect([demotion.status, demotion.body.role]).toEqual([200, 'USER']);
      expect((await api.put(`/api/users/${target.user.id}`, { token: promoted, body: { name: 'Again' } })).status).toBe(401);
      const demoted = await api.login(user.email, password);
      expect((await api.put(`/api/users/${target.user.id}`, { token: demoted, body: { name: 'Again' } })).status).toBe(403);
    });

    it('keeps the sessions when an admin re-sends the role a user already has', async () => {
      const { user, token } = await api.register();
      expect((await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'USER' } })).status).toBe(200);
      expect((await api.get('/users', { token })).status).toBe(200);
    });

    it('refuses a deactivated admin at once', async () => {
      const { user, password } = await api.register();
      const promotion = await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'ADMIN' } });
      expect([promotion.status, promotion.body.role]).toEqual([200, 'ADMIN']);
      // The promotion ended the user's sessions: only a token of the admin it is now proves the rule.
      const token = await api.login(user.email, password);
      expect((await api.put(`/api/users/${user.id}`, { token, body: { name: 'Admin' } })).status).toBe(200);
      const deactivation = await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: false } });
      expect([deactivation.status, deactivation.body.is_active]).toEqual([200, false]);
      expect((await api.put(`/api/users/${user.id}`, { token, body: { name: 'X' } })).status).toBe(401);
    });
  });

  describe('updates', () => {
    it('takes the seed example, hashing password_hash and storing profileImage as image_path', async () => {
      const { user, password } = await api.register();
      const newPassword = 'newSecurePassword456';
      const response = await api.put(`/api/users/${user.id}`, {
        token: admin,
        body: {
          username: 'johndoe_updated',
          email: 'John.Updated@Example.com',
          password_hash: newPassword,
          firstname: 'John',
          lastname: 'Doe',
          phone_number: '+1234567890',
          role: 'DRIVER',
          is_active: true,
          profileImage: '/images/profiles/johndoe_new.jpg',
        },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...user,
        username: 'johndoe_updated',
        email: 'john.updated@example.com',
        firstname: 'John',
        lastname: 'Doe',
        phone_number: '+1234567890',
        role: 'DRIVER',
        is_active: true,
        image_path: '/images/profiles/johndoe_new.jpg',
        updated_at: expect.any(String),
      });
      expect(await api.login('john.updated@example.com', newPassword)).toEqual(expect.any(String));
      const old = await api.post('/auth/login', { body: { email: 'john.updated@example.com', password } });
      expect(old.status).toBe(401);
    });

    it('takes password under its own name too', async () => {
      const { user } = await api.register();
      const response = await api.put(`/api/users/${user.id}`, { token: admin, body: { password: 'plain-password-2' } });
      expect(response.status).toBe(200);
      expect(await api.login(user.email, 'plain-password-2')).toEqual(expect.any(String));
    });

    it('lets the path id win over a body id', async () => {
      const first = await api.register();
      const second = await api.register();
      const response = await api.put(`/api/users/${first.user.id}`, {
        token: admin,
        body: { id: second.user.id, name: 'Path wins' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: first.user.id, name: 'Path wins' });
      const untouched = await api.get('/users', { token: second.token });
      expect(untouched.body.name).toBe('Test User');
    });

    it('refuses a body with only an id: at least one field must be provided', async () => {
      const { user } = await api.register();
      const response = await api.put(`/api/users/${user.id}`, { token: admin, body: { id: 5 } });
      expect(response.status).toBe(400);
    });

    it.each([
      ['password', { password: 'short' }],
      ['password_hash', { password_hash: 'p'.repeat(73) }],
      ['role', { role: 'SUPERUSER' }],
      ['role', { role: 'admin' }],
      ['is_active', { is_active: 'false' }],
      ['is_active', { is_active: 0 }],
      ['profileImage', { profileImage: '../../x' }],
      ['profileImage', { profileImage: 'x', image_path: 'y' }],
      ['password_hash', { password: 'password-1', password_hash: 'password-2' }],
      ['created_at', { created_at: '2020-01-01T00:00:00Z' }],
    ])('refuses a bad %s with 400 naming it, and changes nothing', async (field, body) => {
      const { user, token } = await api.register();
      const before = (await api.get('/users', { token })).body;
      const response = await api.put(`/api/users/${user.id}`, { token: admin, body });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
      expect((await api.get('/users', { token })).body).toEqual(before);
    });

    it.each(['abc', '0', '-1', '1.5', '99999999999'])('answers 400 to the path id %s', async (id) => {
      const response = await api.put(`/api/users/${id}`, { token: admin, body: { name: 'X' } });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
    });

    it('answers 404 USER_NOT_FOUND for an id no account has', async () => {
      const response = await api.put('/api/users/2147483647', { token: admin, body: { name: 'X' } });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('USER_NOT_FOUND');
    });

    it('answers 409 for another account’s email or username, ignoring case', async () => {
      const other = await api.register({ username: 'Admin_Taken' });
      const { user } = await api.register();
      const email = await api.put(`/api/users/${user.id}`, { token: admin, body: { email: other.user.email.toUpperCase() } });
      expect(email.body.code).toBe('EMAIL_TAKEN');
      const username = await api.put(`/api/users/${user.id}`, { token: admin, body: { username: 'ADMIN_taken' } });
      expect(username.status).toBe(409);
      expect(username.body.code).toBe('USERNAME_TAKEN');
    });
  });

  describe('the last active admin', () => {
    it('cannot be demoted or deactivated, while one of two can', async () => {
      const me = (await api.get('/users', { token: admin })).body;
      for (const body of [{ role: 'USER' }, { role: 'DRIVER' }, { is_active: false }]) {
        const response = await api.put(`/api/users/${me.id}`, { token: admin, body });
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('LAST_ADMIN');
      }
      expect((await api.get('/users', { token: admin })).body).toMatchObject({ role: 'ADMIN', is_active: true });

      const second = await api.register();
      const promotion = await api.put(`/api/users/${second.user.id}`, { token: admin, body: { role: 'ADMIN' } });
      expect([promotion.status, promotion.body.role]).toEqual([200, 'ADMIN']);
      const secondToken = await api.login(second.user.email, second.password);
      // Both admins deactivate themselves at once: exactly one may.
      const [mine, theirs] = await Promise.all([
        api.put(`/api/users/${me.id}`, { token: admin, body: { is_active: false } }),
        api.put(`/api/users/${second.user.id}`, { token: secondToken, body: { is_active: false } }),
      ]);
      expect([mine.status, theirs.status].sort()).toEqual([200, 409]);
      // Whoever is left is the last admin: it restores the other.
      const [survivor, other] = mine.status === 409 ? [admin, second.user.id] : [secondToken, me.id];
      expect((await api.put(`/api/users/${other}`, { token: survivor, body: { is_active: true } })).status).toBe(200);
      // Deactivation ended the loser's sessions: the seeded admin logs in again.
      admin = await api.login(ADMIN.email, ADMIN.password);
      expect((await api.get('/users', { token: admin })).body).toMatchObject({ role: 'ADMIN', is_active: true });
    });
  });
});
