import { decode, hs256, now } from './hardening/support/attack-tokens';
import { type ApiResponse, bearer } from './support/api-client';
import { ADMIN, useTestApp } from './support/test-app';
import { signAsService } from './support/test-signing-key';

/** RFC 6750 section 3: the challenge of a 401 from a route that needs an access token. */
const NO_TOKEN = 'Bearer';
const BAD_TOKEN = 'Bearer error="invalid_token"';

const challenge = (response: ApiResponse) => response.headers.get('www-authenticate');

/** The claims of a token the service signs, as a token of our own making would carry them. */
const claimsOf = (token: string) => {
  const { sub, sid } = decode(token).payload;
  return { sub, sid, iat: now(), exp: now() + 600 };
};

describe('WWW-Authenticate on 401 answers, and the iss and aud of access tokens', () => {
  const api = useTestApp();

  it('challenges GET /users without a token with a bare Bearer, no error attribute', async () => {
    const response = await api.get('/users');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHORIZED');
    expect(challenge(response)).toBe(NO_TOKEN);
  });

  it.each([
    ['a malformed token', bearer('not.a.token')],
    ['a token signed with another key', bearer(hs256({ sub: '1', sid: '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f' }, 'x'.repeat(40)))],
    ['a header under another scheme', { authorization: 'Basic eDp5' }],
  ])('says invalid_token for %s on GET /users', async (_case, headers) => {
    const response = await api.get('/users', { headers });
    expect(response.status).toBe(401);
    expect(challenge(response)).toBe(BAD_TOKEN);
  });

  it('challenges the admin routes too: GET /api/users without a token and with a bad one', async () => {
    const none = await api.get('/api/users');
    expect(none.status).toBe(401);
    expect(challenge(none)).toBe(NO_TOKEN);
    const bad = await api.get('/api/users', { headers: bearer('not.a.token') });
    expect(bad.status).toBe(401);
    expect(challenge(bad)).toBe(BAD_TOKEN);
  });

  it('says invalid_token for a well-signed token whose session has ended (self and admin routes)', async () => {
    const token = await api.login(ADMIN.email, ADMIN.password);
    expect((await api.get('/api/users', { token })).status).toBe(200);
    expect((await api.post('/auth/logout', { token, body: {} })).status).toBe(204);
    for (const path of ['/users', '/api/users']) {
      const response = await api.get(path, { token });
      expect([path, response.status, challenge(response)]).toEqual([path, 401, BAD_TOKEN]);
    }
  });

  it('challenges without invalid_token when the token is good but the current password is wrong', async () => {
    const { token, password } = await api.register();
    const response = await api.post('/users/password', {
      token,
      body: { current_password: `${password}-wrong`, new_password: 'a-new-password-2' },
    });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_CREDENTIALS');
    expect(challenge(response)).toBe(NO_TOKEN);
  });

  it('sets no WWW-Authenticate on a 401 of a route that needs no access token', async () => {
    const login = await api.post('/auth/login', { body: { email: ADMIN.email, password: `${ADMIN.password}-wrong` } });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('INVALID_CREDENTIALS');
    expect(challenge(login)).toBeNull();
    const withToken = await api.post('/auth/login', {
      headers: bearer('not.a.token'),
      body: { email: 'nobody@example.com', password: 'any-password-1' },
    });
    expect(withToken.status).toBe(401);
    expect(challenge(withToken)).toBeNull();
    const refresh = await api.post('/auth/refresh', { body: { refresh_token: 'not-a-refresh-token' } });
    expect(refresh.status).toBe(401);
    expect(challenge(refresh)).toBeNull();
  });

  it('sets no WWW-Authenticate on other answers of a bearer route', async () => {
    const { token } = await api.register();
    const forbidden = await api.get('/api/users', { token });
    expect(forbidden.status).toBe(403);
    expect(challenge(forbidden)).toBeNull();
    const ok = await api.get('/users', { token });
    expect(ok.status).toBe(200);
    expect(challenge(ok)).toBeNull();
  });

  it('lets a browser read WWW-Authenticate (CORS)', async () => {
    const response = await api.get('/users', { headers: { origin: 'https://app.example.com' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/\bWWW-Authenticate\b/i);
  });

  it('signs iss and aud into access tokens: user-accounts by default, for login and refresh alike', async () => {
    const login = await api.post('/auth/login', { body: ADMIN });
    expect(login.status).toBe(200);
    expect(decode(login.body.access_token).payload).toMatchObject({ iss: 'user-accounts', aud: 'user-accounts' });
    const refreshed = await api.post('/auth/refresh', { body: { refresh_token: login.body.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(decode(refreshed.body.access_token).payload).toMatchObject({ iss: 'user-accounts', aud: 'user-accounts' });
  });

  it('refuses a well-signed token without the right iss or aud', async () => {
    const { token } = await api.register();
    const claims = claimsOf(token);
    // The control: the same claims with the right iss and aud are accepted.
    const right = await signAsService({ ...claims, iss: 'user-accounts', aud: 'user-accounts' });
    expect((await api.get('/users', { headers: bearer(right) })).status).toBe(200);
    for (const [label, payload] of [
      ['no iss', { ...claims, aud: 'user-accounts' }],
      ['another iss', { ...claims, iss: 'billing', aud: 'user-accounts' }],
      ['no aud', { ...claims, iss: 'user-accounts' }],
      ['another aud', { ...claims, iss: 'user-accounts', aud: 'billing' }],
    ] as const) {
      const response = await api.get('/users', { headers: bearer(await signAsService(payload)) });
      expect([label, response.status, challenge(response)]).toEqual([label, 401, BAD_TOKEN]);
    }
  });
});

describe('JWT_ISSUER and JWT_AUDIENCE', () => {
  const ISSUER = 'https://accounts.example.test';
  const AUDIENCE = 'accounts-e2e';
  const api = useTestApp({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });

  it('signs the configured iss and aud into access tokens, and accepts them', async () => {
    const { token } = await api.register();
    expect(decode(token).payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE });
    expect((await api.get('/users', { token })).status).toBe(200);
    const login = await api.post('/auth/login', { body: ADMIN });
    expect(decode(login.body.access_token).payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE });
  });

  it('refuses a token with the default iss and aud, signed with the same key', async () => {
    const { token } = await api.register();
    const defaults = await signAsService({ ...claimsOf(token), iss: 'user-accounts', aud: 'user-accounts' });
    const response = await api.get('/users', { headers: bearer(defaults) });
    expect(response.status).toBe(401);
    expect(challenge(response)).toBe(BAD_TOKEN);
    const own = await signAsService({ ...claimsOf(token), iss: ISSUER, aud: AUDIENCE });
    expect((await api.get('/users', { headers: bearer(own) })).status).toBe(200);
  });
});
