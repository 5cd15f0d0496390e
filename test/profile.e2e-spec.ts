import { ADMIN, useTestApp } from './support/test-app';

describe('the self-profile: GET and PUT /users', () => {
  const api = useTestApp();

  describe('authentication', () => {
    it.each([
      ['no token', undefined],
      ['a malformed token', 'not-a-jwt'],
      ['a token signed with another key', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwic2lkIjoieCJ9.' + 'A'.repeat(43)],
      ['an unsigned token', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwic2lkIjoieCJ9.'],
    ])('answers 401 problem+json to %s', async (_case, token) => {
      for (const response of [
        await api.get('/users', { token }),
        await api.put('/users', { token, body: { name: 'X' } }),
      ]) {
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      }
    });

    it('refuses the token of a user who was deactivated since', async () => {
      const { user, token, password } = await api.register();
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const deactivation = await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: false } });
      expect([deactivation.status, deactivation.body.is_active]).toEqual([200, false]);
      expect((await api.get('/users', { token })).status).toBe(401);
      expect((await api.put('/users', { token, body: { name: 'Still here' } })).status).toBe(401);
      const reactivation = await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: true } });
      expect([reactivation.status, reactivation.body.is_active]).toEqual([200, true]);
      const me = await api.get('/users', { token: await api.login(user.email, password) });
      expect(me.body.name).toBe('Test User');
    });
  });

  describe('PUT /users', () => {
    it('changes only the fields sent and keeps the rest', async () => {
      const { user, token } = await api.register({ name: 'Jane Doe' });
      const response = await api.put('/users', {
        token,
        body: { firstname: ' Jane ', lastname: 'Doe', phone_number: '+1234567890', image_path: 'profile-pictures/jane.jpg' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...user,
        firstname: 'Jane',
        lastname: 'Doe',
        phone_number: '+1234567890',
        image_path: 'profile-pictures/jane.jpg',
        updated_at: expect.any(String),
      });
      expect(Date.parse(response.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(user.updated_at));
      const name = await api.put('/users', { token, body: { name: 'Jane Q. Doe' } });
      expect(name.body).toMatchObject({ name: 'Jane Q. Doe', firstname: 'Jane', phone_number: '+1234567890' });
      expect((await api.get('/users', { token })).body).toEqual(name.body);
    });

    it('changes the account\'s language, en or es, and nothing else', async () => {
      const { user, token } = await api.register();
      const spanish = await api.put('/users', { token, body: { locale: 'es' } });
      expect(spanish.status).toBe(200);
      expect(spanish.body).toEqual({ ...user, locale: 'es', updated_at: expect.any(String) });
      expect((await api.get('/users', { token })).body.locale).toBe('es');
      for (const locale of ['fr', 'ES', null, 1]) {
        const refused = await api.put('/users', { token, body: { locale } });
        expect([refused.status, refused.body.errors?.[0]?.field]).toEqual([400, 'locale']);
      }
      expect((await api.get('/users', { token })).body.locale).toBe('es');
    });

    it('takes the seed example, name and email, with the current password: the email waits for its link', async () => {
      const { token, password, user } = await api.register();
      const body = { name: 'Jane Doe', email: 'Jane.Seed@Example.com ', current_password: password };
      const response = await api.put('/users', { token, body });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'Jane Doe', email: user.email, pending_email: 'jane.seed@example.com' });
    });

    it('refuses current_password without a new email, changing nothing', async () => {
      const { token, password } = await api.register();
      const response = await api.put('/users', { token, body: { name: 'Jane Doe', current_password: password } });
      expect([response.status, response.body.errors]).toEqual([400, [{ field: 'current_password', message: expect.any(String) }]]);
      expect((await api.get('/users', { token })).body.name).toBe('Test User');
    });

    it('clears nullable fields with null or an empty string', async () => {
      const { token } = await api.register();
      // Set first, so that the nulls below are cleared values, not ones never set.
      const set = await api.put('/users', { token, body: { firstname: 'A', lastname: 'B', phone_number: '+12345678' } });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ firstname: 'A', lastname: 'B', phone_number: '+12345678' });
      const response = await api.put('/users', { token, body: { firstname: null, lastname: '  ', phone_number: null } });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ firstname: null, lastname: null, phone_number: null });
    });

    it('refuses an empty body: at least one field must be provided', async () => {
      const { token } = await api.register();
      const response = await api.put('/users', { token, body: {} });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'At least one field must be provided.' });
    });

    it.each(['password', 'role', 'is_active', 'id', 'password_hash', 'profileImage', 'created_at', 'nickname'])(
      'refuses %s with 400 naming the field, and changes nothing',
      async (field) => {
        const { token } = await api.register();
        const before = (await api.get('/users', { token })).body;
        const response = await api.put('/users', { token, body: { name: 'Changed', [field]: 'ADMIN' } });
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field, message: expect.stringContaining(field) }]);
        expect((await api.get('/users', { token })).body).toEqual(before);
      },
    );

    it('points a password change to POST /users/password', async () => {
      const { token } = await api.register();
      const response = await api.put('/users', { token, body: { password: 'new-password-1' } });
      expect(response.body.errors[0].message).toContain('POST /users/password');
    });

    it.each([
      ['email', 'not-an-email'],
      ['email', null],
      ['name', ''],
      ['name', null],
      ['name', 'x'.repeat(101)],
      ['username', 'no spaces allowed'],
      ['username', 'ab'],
      ['firstname', 'f'.repeat(101)],
      ['firstname', 12],
      ['lastname', ['array']],
      ['phone_number', '1234567890'],
      ['phone_number', '+1234567'],
      ['phone_number', '+1234567890123456'],
      ['image_path', '../secrets.txt'],
      ['image_path', 'pictures/../../etc/passwd'],
      ['image_path', '//evil.example.com/x.jpg'],
      ['image_path', 'javascript:alert(1)'],
      ['image_path', 'p'.repeat(513)],
      ['image_path', null],
    ])('refuses %s = %j with 400 naming it, and changes nothing', async (field, value) => {
      const { token } = await api.register();
      const before = (await api.get('/users', { token })).body;
      const response = await api.put('/users', { token, body: { [field]: value } });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
      expect((await api.get('/users', { token })).body).toEqual(before);
    });

    it('accepts an http(s) image URL and the limits of each field', async () => {
      const { token } = await api.register();
      const response = await api.put('/users', {
        token,
        body: {
          image_path: 'https://cdn.example.com/u/1.png',
          name: 'n'.repeat(100),
          firstname: 'f'.repeat(100),
          username: 'u'.repeat(30),
          phone_number: '+123456789012345',
        },
      });
      expect(response.status).toBe(200);
      expect(response.body.image_path).toBe('https://cdn.example.com/u/1.png');
    });

    it('lets a user re-send their own email in another case', async () => {
      const { user, token } = await api.register();
      const response = await api.put('/users', { token, body: { email: user.email.toUpperCase() } });
      expect(response.status).toBe(200);
      expect(response.body.email).toBe(user.email);
    });

    it('answers 409 for an email or username another account has, in any case', async () => {
      const other = await api.register({ username: 'Taken_Name' });
      const mine = await api.register();
      const { token } = mine;
      const before = (await api.get('/users', { token })).body;
      const email = await api.put('/users', { token, body: { email: other.user.email.toUpperCase(), current_password: mine.password } });
      expect(email.status).toBe(409);
      expect(email.body.code).toBe('EMAIL_TAKEN');
      const username = await api.put('/users', { token, body: { username: 'taken_NAME' } });
      expect(username.status).toBe(409);
      expect(username.body.code).toBe('USERNAME_TAKEN');
      expect((await api.get('/users', { token })).body).toEqual(before);
    });

    it('lets users ask for one free email at once, as many as its mails allow: a change reserves nothing until its link', async () => {
      const users = await Promise.all(Array.from({ length: 12 }, () => api.register()));
      const responses = await Promise.all(
        users.map(({ token, password }) => api.put('/users', { token, body: { email: 'wanted@example.com', current_password: password } })),
      );
      // Each asks a mail to the address: it gets 5 of a kind an hour, so 7 are refused, changing nothing.
      const answers = responses.map((response) => [response.status, response.body.pending_email ?? response.body.code]);
      expect(answers.filter(([status]) => status === 200)).toEqual(Array(5).fill([200, 'wanted@example.com']));
      expect(answers.filter(([status]) => status !== 200)).toEqual(Array(7).fill([429, 'RATE_LIMITED']));
      // Who gets it is decided at the link: test/hardening/review2-accounts.hardening-spec.ts.
      const owners = await Promise.all(users.map(({ token }) => api.get('/users', { token })));
      expect(owners.filter((owner) => owner.body.email === 'wanted@example.com')).toHaveLength(0);
    });
  });

  describe('bad requests', () => {
    let token: string;
    beforeAll(async () => {
      ({ token } = await api.register());
    });

    it.each([
      ['malformed JSON', '{"name": ', 400, 'MALFORMED_JSON'],
      ['an array', '[{"name":"x"}]', 400, 'VALIDATION_FAILED'],
      ['null', 'null', 400, 'VALIDATION_FAILED'],
      ['a string', '"name"', 400, 'VALIDATION_FAILED'],
      ['a prototype key', '{"__proto__":{"role":"ADMIN"},"name":"x"}', 400, 'MALFORMED_JSON'],
    ])('answers %s with %i %s', async (_case, body, status, code) => {
      const response = await api.put('/users', { token, body });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe(code);
    });

    it('answers a body over 100 kB with 413', async () => {
      const response = await api.put('/users', { token, body: { name: 'x'.repeat(101 * 1024) } });
      expect(response.status).toBe(413);
      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'answers a %s body with 415',
      async (type) => {
        const response = await api.put('/users', { token, body: 'name=x', headers: { 'content-type': type } });
        expect(response.status).toBe(415);
        expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      },
    );

    it('answers an unknown route with a 404 problem', async () => {
      const response = await api.get('/no/such/route');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    });
  });
});
