import { ADMIN, useTestApp } from './support/test-app';

describe('sign-up and login', () => {
  const api = useTestApp();

  describe('POST /auth/register', () => {
    it('creates a USER with a normalised email and a username made from it, and logs it in', async () => {
      const password = 'a-good-password';
      const response = await api.post('/auth/register', {
        body: { email: '  Mary.Major+news@Example.COM ', password, name: '  Mary Major  ' },
      });
      expect(response.status).toBe(201);
      const { user, access_token, token_type, expires_in, refresh_token } = response.body;
      expect(user).toEqual({
        id: expect.any(Number),
        email: 'mary.major+news@example.com',
        username: 'mary.major_news',
        name: 'Mary Major',
        firstname: null,
        lastname: null,
        phone_number: null,
        image_path: 'profile-pictures/default.jpg',
        role: 'USER',
        is_active: true,
        email_verified: false,
        pending_email: null,
        locale: 'en',
        mfa: { totp: false, passkeys: 0 },
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updated_at: expect.stringMatching(/Z$/),
      });
      expect(token_type).toBe('Bearer');
      expect(expires_in).toBe(900);
      expect(typeof refresh_token).toBe('string');
      const me = await api.get('/users', { token: access_token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(user);
    });

    it('takes the account\'s language from the body, else from Accept-Language, else English', async () => {
      const chosen = await api.post('/auth/register', {
        body: { email: 'locale.body@example.com', password: 'Plum-Orbit-42', name: 'X', locale: 'es' },
        headers: { 'accept-language': 'en' },
      });
      const fromHeader = await api.post('/auth/register', {
        body: { email: 'locale.header@example.com', password: 'Plum-Orbit-42', name: 'X' },
        headers: { 'accept-language': 'fr-FR, es-MX;q=0.8, en;q=0.5' },
      });
      const unknown = await api.post('/auth/register', {
        body: { email: 'locale.unknown@example.com', password: 'Plum-Orbit-42', name: 'X' },
        headers: { 'accept-language': 'de' },
      });
      expect([chosen, fromHeader, unknown].map((r) => [r.status, r.body.user?.locale])).toEqual([
        [201, 'es'],
        [201, 'es'],
        [201, 'en'],
      ]);
      const refused = await api.post('/auth/register', {
        body: { email: 'locale.bad@example.com', password: 'Plum-Orbit-42', name: 'X', locale: 'fr' },
      });
      expect([refused.status, refused.body.errors]).toEqual([400, [{ field: 'locale', message: expect.any(String) }]]);
    });

    it('keeps a username given at sign-up', async () => {
      const { user } = await api.register({ username: 'Chosen.Name-1' });
      expect(user.username).toBe('Chosen.Name-1');
    });

    it('makes a free username when the one made from the email is taken', async () => {
      const first = await api.register({ email: 'same.local@one.example.com' });
      const second = await api.register({ email: 'same.local@two.example.com' });
      expect(first.user.username).toBe('same.local');
      expect(second.user.username).toMatch(/^same\.local_\d{6}$/);
    });

    it('never lets a sign-up choose its role or other admin fields', async () => {
      for (const field of ['role', 'is_active', 'id', 'password_hash']) {
        const response = await api.post('/auth/register', {
          body: { email: `${field}@example.com`, password: 'Plum-Orbit-42', name: 'X', [field]: 'ADMIN' },
        });
        expect(response.status).toBe(400);
        expect(response.body.errors).toContainEqual({ field, message: expect.any(String) });
      }
      const login = await api.post('/auth/login', { body: { email: 'role@example.com', password: 'Plum-Orbit-42' } });
      expect(login.status).toBe(401);
    });

    it('answers 409 EMAIL_TAKEN for an email taken in any case', async () => {
      await api.register({ email: 'taken@example.com' });
      const response = await api.post('/auth/register', {
        body: { email: 'TAKEN@Example.com', password: 'Plum-Orbit-42', name: 'Other' },
      });
      expect(response.status).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 409, code: 'EMAIL_TAKEN', title: 'Conflict' });
    });

    it('answers 409 USERNAME_TAKEN for a username taken in any case', async () => {
      await api.register({ username: 'unique_handle' });
      const response = await api.post('/auth/register', {
        body: { email: 'another@example.com', password: 'Plum-Orbit-42', name: 'Other', username: 'UNIQUE_handle' },
      });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('USERNAME_TAKEN');
    });

    it('lets exactly one of 20 racing sign-ups with one email win', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.post('/auth/register', {
            body: { email: 'race@example.com', password: 'Plum-Orbit-42', name: `Racer ${i}` },
          }),
        ),
      );
      const statuses = attempts.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    });

    it.each([
      ['email', { email: 'not-an-email' }],
      ['email', { email: `${'a'.repeat(250)}@example.com` }],
      ['email', { email: 42 }],
      ['name', { name: '   ' }],
      ['name', { name: 'n'.repeat(101) }],
      ['name', { name: 'nul\u0000byte' }],
      ['password', { password: 'short' }],
      ['password', { password: 'p'.repeat(73) }],
      // 24 three-byte characters are 72 bytes; 25 are 75: longer is refused, never cut.
      ['password', { password: '€'.repeat(25) }],
      ['password', { password: 'has-a-nul\u0000-inside' }],
      ['password', { password: 12345678 }],
      ['username', { username: 'ab' }],
      ['username', { username: 'u'.repeat(31) }],
      ['username', { username: 'has space' }],
    ])('refuses a bad %s with 400 naming it', async (field, fields) => {
      const response = await api.post('/auth/register', {
        body: { email: 'fresh@example.com', password: 'Plum-Orbit-42', name: 'Fresh', ...fields },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    });

    // A Greek "α" or "ο" and a Cyrillic "а" or "о" pass for Latin letters: a domain label mixing
    // them with Latin is a look-alike of another address. A label in one script is not.
    it.each([
      ['Greek', 'ex\u03b1mple.com'],
      ['Greek', 'mail.g\u03bf\u03bfgle.com'],
      ['Cyrillic', 'ex\u0430mple.com'],
      ['Cyrillic', 'mail.g\u043e\u043egle.com'],
    ])('refuses a domain label mixing Latin with %s (%s) with 400 naming the email', async (_script, domain) => {
      const response = await api.post('/auth/register', { body: { email: `lookalike@${domain}`, password: 'Plum-Orbit-42', name: 'Look Alike' } });
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(response.body.errors).toEqual([{ field: 'email', message: expect.stringMatching(/one alphabet/) }]);
    });

    it('takes a domain in one non-Latin script, stored in ASCII', async () => {
      const { user } = await api.register({ email: 'one.script@\u03c0\u03b1\u03c1\u03ac\u03b4\u03b5\u03b9\u03b3\u03bc\u03b1.gr' });
      expect(user.email).toBe('one.script@xn--hxajbheg2az3al.gr');
    });

    it('accepts a password of exactly 72 bytes; one of 8 passes the length rule but not the guessability one', async () => {
      const long = `Zq8#Lm2!vR5@${'€'.repeat(20)}`;
      expect(Buffer.byteLength(long)).toBe(72);
      const { user } = await api.register({ password: long });
      expect(await api.login(user.email, long)).toEqual(expect.any(String));
      // bcrypt reads 72 bytes: one more byte must not be a way in
      const longer = await api.post('/auth/login', { body: { email: user.email, password: `${long}x` } });
      expect(longer.status).toBe(400);
      // Eight random characters are 10^8 guesses: zxcvbn's score 2. A ninth makes the score 3.
      const eight = await api.post('/auth/register', { body: { email: 'eight@example.com', password: 'x7#kQ2!p', name: 'Eight' } });
      expect([eight.status, eight.body.code]).toEqual([400, 'WEAK_PASSWORD']);
      await api.register({ password: 'x7#kQ2!pz' });
    });

    it('refuses every field missing at once with one error each', async () => {
      const response = await api.post('/auth/register', { body: {} });
      expect(response.status).toBe(400);
      const fields = response.body.errors.map((error: { field: string }) => error.field).sort();
      expect(fields).toEqual(['email', 'name', 'password']);
    });
  });

  describe('POST /auth/login', () => {
    let email: string;
    let username: string;
    const password = 'login-password-1';

    beforeAll(async () => {
      ({ user: { email, username } } = await api.register({ email: 'Login.Me@example.com', password }));
    });

    it('logs in by email in any case and by username', async () => {
      const byEmail = await api.post('/auth/login', { body: { email: ' LOGIN.me@EXAMPLE.com', password } });
      expect(byEmail.status).toBe(200);
      expect(Object.keys(byEmail.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
      const byUsername = await api.post('/auth/login', { body: { username: username.toUpperCase(), password } });
      expect(byUsername.status).toBe(200);
      const me = await api.get('/users', { token: byUsername.body.access_token });
      expect(me.body.email).toBe(email);
    });

    it('gives one answer for a wrong password and an unknown account', async () => {
      const wrong = await api.post('/auth/login', { body: { email, password: 'wrong-password' } });
      const unknown = await api.post('/auth/login', { body: { email: 'nobody@example.com', password } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.text).toBe(unknown.text);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('refuses a deactivated account, but tells so only after the right password', async () => {
      const { user, password: userPassword } = await api.register();
      const admin = await api.login(ADMIN.email, ADMIN.password);
      expect((await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: false } })).status).toBe(200);
      const right = await api.post('/auth/login', { body: { email: user.email, password: userPassword } });
      expect(right.status).toBe(401);
      expect(right.body.code).toBe('ACCOUNT_DISABLED');
      const wrong = await api.post('/auth/login', { body: { email: user.email, password: 'wrong-password' } });
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('needs an email or a username and a password', async () => {
      const response = await api.post('/auth/login', { body: { password } });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'email', message: 'email (or username) must be given as a string.' },
      ]);
      const noPassword = await api.post('/auth/login', { body: { email } });
      expect(noPassword.status).toBe(400);
      expect(noPassword.body.errors[0].field).toBe('password');
    });
  });
});
