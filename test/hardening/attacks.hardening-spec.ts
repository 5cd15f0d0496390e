import { randomUUID } from 'node:crypto';
import { type ApiResponse, bearer } from '../support/api-client';
import { ADMIN, TEST_JWT_SECRET } from '../support/test-app';
import { randomSuffix, uniqueEmail } from '../support/unique';
import { expectProblem, useAttackApp } from './support/attack-app';
import {
  asymmetricToken,
  decode,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  hmacToken,
  hs256,
  now,
  unsignedToken,
  withHeader,
  withPayload,
} from './support/attack-tokens';

/** A signed-in account as its tokens name it. */
interface Identity {
  token: string;
  refresh: string;
  id: number;
  sid: string;
}

const identityOf = (body: { access_token: string; refresh_token: string }): Identity => {
  const { payload } = decode(body.access_token);
  return { token: body.access_token, refresh: body.refresh_token, id: Number(payload.sub), sid: payload.sid };
};

const WRONG_KEY = 'a-wrong-secret-that-is-also-at-least-32-bytes';
const TEN_KB = 10 * 1024;

/**
 * On HS256 (JWT_ALGORITHM=HS256 with JWT_SECRET), the mode whose one key any holder can sign
 * with: every forgery below is signed with that key or a near miss. The asymmetric default's
 * attacks (alg none, HS256 keyed with the public key, other kids and keys) are in
 * keys.e2e-spec.ts and jwks-verifier.e2e-spec.ts.
 */
describe('token attacks', () => {
  const { api, db } = useAttackApp({ JWT_ALGORITHM: 'HS256', JWT_PRIVATE_KEYS: '' });
  let admin: Identity;
  let user: Identity;

  /** Claims as the service signs them, for `who`, with `changes` applied (undefined removes). */
  const claims = (who: Identity, changes: Record<string, unknown> = {}) => {
    const all: Record<string, unknown> = {
      sub: String(who.id),
      sid: who.sid,
      iss: DEFAULT_ISSUER,
      aud: DEFAULT_AUDIENCE,
      jti: randomUUID(),
      iat: now(),
      exp: now() + 600,
      ...changes,
    };
    return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
  };

  beforeAll(async () => {
    admin = identityOf((await api.post('/auth/login', { body: ADMIN })).body);
    user = identityOf(await api.register());
  });

  let attempt = 0;
  /**
   * The headers (and query string) get 401 problem+json from the self-profile routes and the
   * admin routes alike, reads and writes; what the writes would have written is checked
   * at the end of the block.
   */
  async function expectRefusedEverywhere(headers: Record<string, string>, query = ''): Promise<void> {
    const mark = `pwned-${++attempt}`;
    const responses: ApiResponse[] = [
      await api.get(`/users${query}`, { headers }),
      await api.put(`/users${query}`, { headers, body: { name: mark } }),
      await api.get(`/api/users${query}`, { headers }),
      await api.put(`/api/users/${user.id}${query}`, { headers, body: { name: mark } }),
    ];
    // RFC 6750 section 3: a bearer challenge, invalid_token when credentials were sent.
    const challenge = headers.authorization ? 'Bearer error="invalid_token"' : 'Bearer';
    for (const response of responses) {
      expectProblem(response, 401, 'UNAUTHORIZED');
      expect([response.path, response.headers.get('www-authenticate')]).toEqual([response.path, challenge]);
    }
  }

  it('has working tokens to start from (the control)', async () => {
    expect((await api.get('/users', { token: admin.token })).status).toBe(200);
    expect((await api.get('/api/users', { token: admin.token })).status).toBe(200);
    expect((await api.get('/users', { token: user.token })).status).toBe(200);
    expectProblem(await api.get('/api/users', { token: user.token }), 403, 'FORBIDDEN');
    // A token of our own making, with the real key and the service's claims, is accepted:
    // every forgery below differs from this one in exactly the way it names.
    const genuine = hs256(claims(admin), TEST_JWT_SECRET);
    expect((await api.get('/users', { headers: bearer(genuine) })).status).toBe(200);
    expect((await api.get('/api/users', { headers: bearer(genuine) })).status).toBe(200);
    // The service's own tokens carry the iss and aud that claims() gives.
    expect(decode(admin.token).payload).toMatchObject({ iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE });
  });

  // Most forgeries claim the seeded admin's id and open session: accepted, they would be 200.
  const forgeries: [string, () => string][] = [
    ['alg none, with the trailing dot', () => unsignedToken(claims(admin))],
    ['alg none, without the trailing dot', () => unsignedToken(claims(admin), { trailingDot: false })],
    ['alg "None"', () => unsignedToken(claims(admin), { alg: 'None' })],
    ['alg "NONE"', () => unsignedToken(claims(admin), { alg: 'NONE' })],
    ['alg "nOnE"', () => unsignedToken(claims(admin), { alg: 'nOnE' })],
    ['alg none on a real token, its signature kept', () => withHeader(admin.token, { alg: 'none', typ: 'JWT' })],
    ['alg none header with an HS256 signature made with the secret', () => hmacToken({ alg: 'none' }, claims(admin), TEST_JWT_SECRET)],
    ['no alg in the header, HS256 signature made with the secret', () => hmacToken({ typ: 'JWT' }, claims(admin), TEST_JWT_SECRET)],
    ['RS256 header, HS256 signature made with the secret as key', () => hmacToken({ alg: 'RS256', typ: 'JWT' }, claims(admin), TEST_JWT_SECRET)],
    ['ES256 header, HS256 signature made with the secret as key', () => hmacToken({ alg: 'ES256', typ: 'JWT' }, claims(admin), TEST_JWT_SECRET)],
    ['PS256 header, HS256 signature made with the secret as key', () => hmacToken({ alg: 'PS256', typ: 'JWT' }, claims(admin), TEST_JWT_SECRET)],
    ['"hs256" in lower case, signed with the secret', () => hmacToken({ alg: 'hs256', typ: 'JWT' }, claims(admin), TEST_JWT_SECRET)],
    ['RS256 really signed with an unknown RSA key', () => asymmetricToken(claims(admin), 'RS256')],
    ['ES256 really signed with an unknown EC key', () => asymmetricToken(claims(admin), 'ES256')],
    ['HS384 signed with the real secret', () => hmacToken({ alg: 'HS384', typ: 'JWT' }, claims(admin), TEST_JWT_SECRET, 'sha384')],
    ['HS512 signed with the real secret', () => hmacToken({ alg: 'HS512', typ: 'JWT' }, claims(admin), TEST_JWT_SECRET, 'sha512')],
    ['HS256 with a wrong key', () => hs256(claims(admin), WRONG_KEY)],
    ['HS256 with an empty key', () => hs256(claims(admin), '')],
    ['HS256 with the secret less its last byte', () => hs256(claims(admin), TEST_JWT_SECRET.slice(0, -1))],
    ['HS256 with the secret and one byte more', () => hs256(claims(admin), `${TEST_JWT_SECRET}x`)],
    ["tampered: another user's sub, signature kept", () => withPayload(user.token, { ...decode(user.token).payload, sub: String(admin.id) })],
    ["tampered: another user's sub and sid, signature kept", () => withPayload(user.token, { ...decode(user.token).payload, sub: String(admin.id), sid: admin.sid })],
    ['tampered: a role claim added, signature kept', () => withPayload(user.token, { ...decode(user.token).payload, role: 'ADMIN' })],
    ['tampered: exp an hour later, signature kept', () => withPayload(admin.token, { ...decode(admin.token).payload, exp: decode(admin.token).payload.exp + 3600 })],
    ['its signature stripped (header.payload.)', () => `${admin.token.split('.').slice(0, 2).join('.')}.`],
    ["another token's signature", () => `${admin.token.split('.').slice(0, 2).join('.')}.${user.token.split('.')[2]}`],
    ['one character of the signature changed', () => {
      const [header, payload, signature] = admin.token.split('.');
      const middle = Math.floor(signature.length / 2);
      const changed = signature[middle] === 'A' ? 'B' : 'A';
      return `${header}.${payload}.${signature.slice(0, middle)}${changed}${signature.slice(middle + 1)}`;
    }],
    ['expired a minute ago (real secret)', () => hs256(claims(admin, { iat: now() - 3600, exp: now() - 60 }), TEST_JWT_SECRET)],
    ['expired a second ago (real secret)', () => hs256(claims(admin, { iat: now() - 600, exp: now() - 1 }), TEST_JWT_SECRET)],
    ['exp given as a string (real secret)', () => hs256(claims(admin, { exp: String(now() + 600) }), TEST_JWT_SECRET)],
    ['not valid before an hour from now: nbf (real secret)', () => hs256(claims(admin, { nbf: now() + 3600 }), TEST_JWT_SECRET)],
    ['no exp at all (real secret)', () => hs256(claims(admin, { exp: undefined }), TEST_JWT_SECRET)],
    ['no sub (real secret)', () => hs256(claims(admin, { sub: undefined }), TEST_JWT_SECRET)],
    ['no sid (real secret)', () => hs256(claims(admin, { sid: undefined }), TEST_JWT_SECRET)],
    ['no claims: {} (real secret)', () => hs256({}, TEST_JWT_SECRET)],
    ['a null payload (real secret)', () => hs256(null, TEST_JWT_SECRET)],
    ['a null payload, signed with a wrong key', () => hs256(null, WRONG_KEY)],
    ['a null payload, alg none', () => unsignedToken(null)],
    ['an array payload (real secret)', () => hs256([String(admin.id), admin.sid], TEST_JWT_SECRET)],
    ['a string payload (real secret)', () => hs256(String(admin.id), TEST_JWT_SECRET)],
    ['a number payload (real secret)', () => hs256(admin.id, TEST_JWT_SECRET)],
    ['sid not a UUID (real secret)', () => hs256(claims(admin, { sid: 'not-a-uuid' }), TEST_JWT_SECRET)],
    ["sid an injection string (real secret)", () => hs256(claims(admin, { sid: "' OR '1'='1" }), TEST_JWT_SECRET)],
    ['sid a number (real secret)', () => hs256(claims(admin, { sid: 12345 }), TEST_JWT_SECRET)],
    ['sid a UUID never issued (real secret)', () => hs256(claims(admin, { sid: randomUUID() }), TEST_JWT_SECRET)],
    ["the admin's sub with another user's sid (real secret)", () => hs256(claims(admin, { sid: user.sid }), TEST_JWT_SECRET)],
    ['sub not a number (real secret)', () => hs256(claims(admin, { sub: 'admin' }), TEST_JWT_SECRET)],
    ['sub "1 OR 1=1" (real secret)', () => hs256(claims(admin, { sub: `${admin.id} OR 1=1` }), TEST_JWT_SECRET)],
    ['sub with a leading zero (real secret)', () => hs256(claims(admin, { sub: `0${admin.id}` }), TEST_JWT_SECRET)],
    ['sub with a fraction (real secret)', () => hs256(claims(admin, { sub: `${admin.id}.0` }), TEST_JWT_SECRET)],
    ['sub with spaces (real secret)', () => hs256(claims(admin, { sub: ` ${admin.id} ` }), TEST_JWT_SECRET)],
    ['sub negative (real secret)', () => hs256(claims(admin, { sub: `-${admin.id}` }), TEST_JWT_SECRET)],
    ['sub as a JSON number (real secret)', () => hs256(claims(admin, { sub: admin.id }), TEST_JWT_SECRET)],
    ['sub beyond a 32-bit integer (real secret)', () => hs256(claims(admin, { sub: '2147483648' }), TEST_JWT_SECRET)],
    ["sub of no user, with the admin's sid (real secret)", () => hs256(claims(admin, { sub: '999999' }), TEST_JWT_SECRET)],
    // Tokens of another service that shares the key: only iss and aud tell them apart.
    ['no iss (real secret)', () => hs256(claims(admin, { iss: undefined }), TEST_JWT_SECRET)],
    ['iss of another service (real secret)', () => hs256(claims(admin, { iss: 'billing' }), TEST_JWT_SECRET)],
    ['iss in another case (real secret)', () => hs256(claims(admin, { iss: DEFAULT_ISSUER.toUpperCase() }), TEST_JWT_SECRET)],
    ['iss an empty string (real secret)', () => hs256(claims(admin, { iss: '' }), TEST_JWT_SECRET)],
    ['iss as an array holding the right one (real secret)', () => hs256(claims(admin, { iss: [DEFAULT_ISSUER] }), TEST_JWT_SECRET)],
    ['no aud (real secret)', () => hs256(claims(admin, { aud: undefined }), TEST_JWT_SECRET)],
    ['aud of another service (real secret)', () => hs256(claims(admin, { aud: 'billing' }), TEST_JWT_SECRET)],
    ['aud an array of other services (real secret)', () => hs256(claims(admin, { aud: ['billing', 'shop'] }), TEST_JWT_SECRET)],
    ['aud an empty array (real secret)', () => hs256(claims(admin, { aud: [] }), TEST_JWT_SECRET)],
    ['no iss and no aud (real secret)', () => hs256(claims(admin, { iss: undefined, aud: undefined }), TEST_JWT_SECRET)],
    ['10 kB of garbage', () => 'A'.repeat(TEN_KB)],
    ['10 kB in three dotted parts', () => ['a', 'b', 'c'].map((c) => c.repeat(TEN_KB / 3)).join('.')],
    ['10 kB signed with a wrong key', () => hs256(claims(admin, { pad: 'x'.repeat(TEN_KB) }), WRONG_KEY)],
    ['10 kB with alg none', () => unsignedToken(claims(admin, { pad: 'x'.repeat(TEN_KB) }))],
    ['the text "null"', () => 'null'],
    ['the text "undefined"', () => 'undefined'],
  ];

  it.each(forgeries)('refuses %s with 401 on every route', async (_case, token) => {
    await expectRefusedEverywhere(bearer(token()));
  });

  describe('a valid token anywhere but in the Authorization header, or under another scheme', () => {
    const misplaced: [string, () => { headers?: Record<string, string>; query?: string }][] = [
      ['in the query string as access_token', () => ({ query: `?access_token=${admin.token}` })],
      ['in the query string as token', () => ({ query: `?token=${admin.token}` })],
      ['in the query string as jwt', () => ({ query: `?jwt=${admin.token}` })],
      ['in the query string as authorization', () => ({ query: `?authorization=${encodeURIComponent(`Bearer ${admin.token}`)}` })],
      ['in a cookie named access_token', () => ({ headers: { cookie: `access_token=${admin.token}` } })],
      ['in a cookie named token', () => ({ headers: { cookie: `token=${admin.token}` } })],
      ['in a cookie named jwt', () => ({ headers: { cookie: `jwt=${admin.token}` } })],
      ['in a cookie named Authorization', () => ({ headers: { cookie: `Authorization=${encodeURIComponent(`Bearer ${admin.token}`)}` } })],
      ['in X-Access-Token', () => ({ headers: { 'x-access-token': admin.token } })],
      ['in X-Auth-Token', () => ({ headers: { 'x-auth-token': admin.token } })],
      ['in X-Authorization', () => ({ headers: { 'x-authorization': `Bearer ${admin.token}` } })],
      ['in Proxy-Authorization', () => ({ headers: { 'proxy-authorization': `Bearer ${admin.token}` } })],
      ['with no scheme', () => ({ headers: { authorization: admin.token } })],
      ['under Basic', () => ({ headers: { authorization: `Basic ${admin.token}` } })],
      ['under Token', () => ({ headers: { authorization: `Token ${admin.token}` } })],
      ['under JWT', () => ({ headers: { authorization: `JWT ${admin.token}` } })],
      ['under "Bearer:"', () => ({ headers: { authorization: `Bearer: ${admin.token}` } })],
      ['glued to Bearer without a space', () => ({ headers: { authorization: `Bearer${admin.token}` } })],
      ['after another scheme: "Basic x, Bearer <token>"', () => ({ headers: { authorization: `Basic eDp5, Bearer ${admin.token}` } })],
      ['"Bearer Bearer <token>"', () => ({ headers: { authorization: `Bearer Bearer ${admin.token}` } })],
      ['Bearer with no token', () => ({ headers: { authorization: 'Bearer' } })],
      ['Bearer with spaces and no token', () => ({ headers: { authorization: 'Bearer     ' } })],
      // RFC 6750 2.1: credentials = "Bearer" 1*SP b64token, and nothing after it.
      ['"Bearer <token> <more>": something after the token', () => ({ headers: { authorization: `Bearer ${admin.token} trailing` } })],
      ['"Bearer <token> <token>": the token twice', () => ({ headers: { authorization: `Bearer ${admin.token} ${admin.token}` } })],
      ['lower-case bearer with an alg-none token', () => ({ headers: { authorization: `bearer ${unsignedToken(claims(admin))}` } })],
      ['BEARER with a wrong-key token', () => ({ headers: { authorization: `BEARER ${hs256(claims(admin), WRONG_KEY)}` } })],
      ['extra spaces with an expired token', () => ({
        headers: { authorization: `Bearer     ${hs256(claims(admin, { exp: now() - 60 }), TEST_JWT_SECRET)}` },
      })],
    ];

    it.each(misplaced)('is 401 %s', async (_case, place) => {
      const { headers = {}, query = '' } = place();
      await expectRefusedEverywhere(headers, query);
    });

    it('is 401 in the JSON body of PUT /users', async () => {
      for (const field of ['access_token', 'token', 'authorization']) {
        expectProblem(await api.put('/users', { body: { name: 'pwned-body', [field]: admin.token } }), 401, 'UNAUTHORIZED');
      }
    });

    // RFC 9110 11.1 and 11.4: the scheme is case-insensitive, and one or more spaces separate it
    // from the token. These carry a genuine token and are not attacks: the same caller, no more.
    it.each([
      ['bearer', (token: string) => `bearer ${token}`],
      ['BEARER', (token: string) => `BEARER ${token}`],
      ['Bearer and three spaces', (token: string) => `Bearer   ${token}`],
    ])('accepts a genuine token under "%s", as RFC 9110 allows, for its own user only', async (_case, header) => {
      const own = await api.get('/users', { headers: { authorization: header(user.token) } });
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(user.id);
      expectProblem(await api.get('/api/users', { headers: { authorization: header(user.token) } }), 403, 'FORBIDDEN');
    });
  });

  describe('a role claim in a validly signed token', () => {
    it('grants nothing: the role is read from the database', async () => {
      const token = hs256(
        claims(user, { role: 'ADMIN', roles: ['ADMIN'], admin: true, is_admin: true, scope: 'admin', permissions: ['*'] }),
        TEST_JWT_SECRET,
      );
      const headers = bearer(token);
      const self = await api.get('/users', { headers });
      expect(self.status).toBe(200);
      expect(self.body).toEqual(expect.objectContaining({ id: user.id, role: 'USER' }));
      expectProblem(await api.get('/api/users', { headers }), 403, 'FORBIDDEN');
      expectProblem(await api.get(`/api/users/${admin.id}`, { headers }), 403, 'FORBIDDEN');
      expectProblem(await api.put(`/api/users/${user.id}`, { headers, body: { role: 'ADMIN' } }), 403, 'FORBIDDEN');
      expectProblem(
        await api.post('/api/users', {
          headers,
          body: { email: uniqueEmail('x'), password: 'pw-of-the-attacker', name: 'X', role: 'ADMIN' },
        }),
        403,
        'FORBIDDEN',
      );
      expectProblem(await api.request('DELETE', `/api/users/${admin.id}`, { headers }), 403, 'FORBIDDEN');
      const promote = await api.put('/users', { headers, body: { role: 'ADMIN' } });
      expectProblem(promote, 400, 'VALIDATION_FAILED');
      expect(promote.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'role' })]));
      const [row] = await db().query('SELECT role, deleted_at FROM users WHERE id = $1', [user.id]);
      expect(row).toEqual({ role: 'USER', deleted_at: null });
      const [adminRow] = await db().query('SELECT role, deleted_at FROM users WHERE id = $1', [admin.id]);
      expect(adminRow).toEqual({ role: 'ADMIN', deleted_at: null });
    });
  });

  describe('a token whose account or session has ended', () => {
    /** An administrator of its own (so that a live token would pass the admin routes too). */
    async function newAdmin() {
      const email = uniqueEmail('victim');
      const password = `pw-${randomSuffix()}-victim`;
      await api.createAdmin(admin.token, { email, password, name: 'Victim' });
      const victim = { ...(await login(email, password)), email, password };
      expect((await api.get('/api/users', { token: victim.token })).status).toBe(200);
      return victim;
    }

    async function login(email: string, password: string): Promise<Identity> {
      const response = await api.post('/auth/login', { body: { email, password } });
      expect(response.status).toBe(200);
      return identityOf(response.body);
    }

    async function expectEnded(victim: Identity): Promise<void> {
      await expectRefusedEverywhere(bearer(victim.token));
      const refresh = await api.post('/auth/refresh', { body: { refresh_token: victim.refresh } });
      expectProblem(refresh, 401, 'UNAUTHORIZED');
      // No access token is asked for there: no bearer challenge.
      expect(refresh.headers.get('www-authenticate')).toBeNull();
    }

    it('is refused once the user deleted the account (DELETE /users)', async () => {
      const victim = await newAdmin();
      const deleted = await api.request('DELETE', '/users', { token: victim.token, body: { current_password: victim.password } });
      expect(deleted.status).toBe(204);
      await expectEnded(victim);
    });

    it('is refused once an admin deleted the account', async () => {
      const victim = await newAdmin();
      expect((await api.request('DELETE', `/api/users/${victim.id}`, { token: admin.token })).status).toBe(204);
      await expectEnded(victim);
    });

    it('is refused when it is from before a password change made in another session', async () => {
      const victim = await newAdmin();
      const other = await login(victim.email, victim.password);
      const changed = await api.post('/users/password', {
        token: other.token,
        body: { current_password: victim.password, new_password: `${victim.password}-new` },
      });
      expect(changed.status).toBe(204);
      await expectEnded(victim);
      // The session that changed the password goes on.
      expect((await api.get('/users', { token: other.token })).status).toBe(200);
      expect((await api.get('/api/users', { token: other.token })).status).toBe(200);
    });

    it('is refused once an admin set a new password', async () => {
      const victim = await newAdmin();
      const reset = await api.put(`/api/users/${victim.id}`, { token: admin.token, body: { password: `${victim.password}-reset` } });
      expect(reset.status).toBe(200);
      await expectEnded(victim);
    });

    it('is refused once its session logged out (access token)', async () => {
      const victim = await newAdmin();
      expect((await api.post('/auth/logout', { token: victim.token, body: {} })).status).toBe(204);
      await expectEnded(victim);
    });

    it('is refused once its session logged out (refresh token only)', async () => {
      const victim = await newAdmin();
      expect((await api.post('/auth/logout', { body: { refresh_token: victim.refresh } })).status).toBe(204);
      await expectEnded(victim);
    });

    it('is refused once an admin deactivated the account', async () => {
      const victim = await newAdmin();
      expect((await api.put(`/api/users/${victim.id}`, { token: admin.token, body: { is_active: false } })).status).toBe(200);
      await expectEnded(victim);
    });

    it("is refused once an admin changed the account's role", async () => {
      const victim = await newAdmin();
      expect((await api.put(`/api/users/${victim.id}`, { token: admin.token, body: { role: 'USER' } })).status).toBe(200);
      await expectEnded(victim);
    });
  });

  it('wrote nothing for any refused request, and left the admin and the user as they were', async () => {
    const [{ count }] = await db().query(`SELECT count(*)::int AS count FROM users WHERE name LIKE 'pwned-%'`);
    expect(count).toBe(0);
    const rows = await db().query('SELECT id, role, is_active, deleted_at FROM users WHERE id = ANY($1) ORDER BY id', [[admin.id, user.id]]);
    expect(rows).toEqual([
      { id: admin.id, role: 'ADMIN', is_active: true, deleted_at: null },
      { id: user.id, role: 'USER', is_active: true, deleted_at: null },
    ]);
    expect((await api.get('/api/users', { token: admin.token })).status).toBe(200);
  });
});

/**
 * SQL injection strings. `\x00` is the four characters (backslash, x, 0, 0); a real NUL, which
 * PostgreSQL text cannot hold, is its own entry.
 */
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  String.raw`\'); DELETE FROM sessions; --`,
  "%' OR 1=1 --",
  '$1',
  String.raw`\x00`,
  '\u0000',
  '" OR ""="',
  "admin'--",
  "') OR ('a'='a",
  '1; SELECT pg_sleep(5); --',
  "' UNION SELECT id, email FROM users --",
  "$$; DROP TABLE sessions; $$",
  ':id',
  '%',
  '_',
  '\\',
  "x' AND 1=(SELECT count(*) FROM users) --",
];
const hasNul = (text: string) => text.includes('\u0000');
/** The string without its spaces: the form that more fields accept (an email local part, a path). */
const compact = (text: string) => text.replace(/\s+/g, '');
const label = (text: string) => JSON.stringify(text);
const CASES = INJECTIONS.map((text, index) => [label(text), text, index] as const);
/** The cases without NUL: a NUL in each field and route has a test of its own, below. */
const TEXT_CASES = CASES.filter(([, text]) => !hasNul(text));

/** What a field holds once stored: the rules of docs/api.md (trim, lower-case email, empty → null). */
const STORED: Record<string, (value: string) => string | null> = {
  name: (value) => value.trim(),
  firstname: (value) => value.trim() || null,
  lastname: (value) => value.trim() || null,
  email: (value) => value.trim().toLowerCase(),
  pending_email: (value) => value.trim().toLowerCase(),
  username: (value) => value,
  image_path: (value) => value,
  phone_number: (value) => value,
};

describe('SQL injection strings are stored, or refused, and matched literally', () => {
  // Every text case below asks an email change, each mailing two addresses.
  const { api, db } = useAttackApp({ EMAIL_CHANGES_PER_HOUR: '10000', MAIL_MAX_PER_HOUR: '100000' });
  let admin: string;
  let before: { users: number; sessions: string[] };
  let seenAtStart = 0;
  /** Every account this block created: the 201s of sign-up and of the admin's create. */
  const created = () =>
    api.seen
      .slice(seenAtStart)
      .filter(({ path, status }) => status === 201 && (path === '/auth/register' || path === '/api/users'))
      .map(({ body }) => (body.user?.id ?? body.id) as number);

  const row = async (id: number) => (await db().query('SELECT * FROM users WHERE id = $1', [id]))[0];
  const tableCount = async (table: 'users' | 'sessions') =>
    (await db().query(`SELECT count(*)::int AS count FROM ${table}`))[0].count as number;
  const rowsLeft = async (table: 'users' | 'sessions', ids: unknown[]) =>
    (await db().query(`SELECT count(*)::int AS count FROM ${table} WHERE id = ANY($1)`, [ids]))[0].count as number;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
    seenAtStart = api.seen.length;
    const sessions: { id: string }[] = await db().query('SELECT id FROM sessions');
    before = { users: await tableCount('users'), sessions: sessions.map(({ id }) => id) };
    expect(before.sessions.length).toBeGreaterThan(0);
  });

  /**
   * A write of `value` to `field`: either 400 naming the field, with the row as it was, or
   * success with the value as stored (literally, after the field's own normalisation) in the
   * answer and in the row.
   */
  async function expectLiteralOrRefused(
    write: () => Promise<ApiResponse>,
    { id, field, value, success, viewOf = (body) => body, column = field }: {
      id?: number;
      field: string;
      value: string;
      success: number;
      viewOf?: (body: any) => any;
      column?: string;
    },
  ): Promise<'stored' | 'refused'> {
    const rowBefore = id === undefined ? undefined : await row(id);
    const response = await write();
    if (response.status === 400) {
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      if (id !== undefined) expect(await row(id)).toEqual(rowBefore);
      return 'refused';
    }
    const summary = `${field}=${label(value)} → ${response.status} ${response.text.slice(0, 200)}`;
    expect({ summary, status: response.status }).toEqual({ summary, status: success });
    const view = viewOf(response.body);
    const stored = STORED[column](value);
    expect(view[column]).toBe(stored);
    expect((await row(view.id))[column]).toBe(stored);
    return 'stored';
  }

  describe('POST /auth/register', () => {
    it.each(CASES)('stores the name %s literally (a name with NUL is refused)', async (_label, text, index) => {
      const write = () =>
        api.post('/auth/register', {
          body: { email: uniqueEmail(`sqli-name-${index}`), password: 'register-password', name: text },
        });
      const outcome = await expectLiteralOrRefused(write, { field: 'name', value: text, success: 201, viewOf: (body) => body.user });
      expect(outcome).toBe(hasNul(text) ? 'refused' : 'stored');
    });

    it.each(CASES)('stores an email with %s in its local part literally, or refuses it', async (_label, text, index) => {
      const email = `${compact(text)}.r${index}${randomSuffix()}@example.com`;
      const write = () => api.post('/auth/register', { body: { email, password: 'register-password', name: 'Email' } });
      await expectLiteralOrRefused(write, { field: 'email', value: email, success: 201, viewOf: (body) => body.user });
    });

    it('accepts the email local parts that are valid addresses (so that the test above is not vacuous)', async () => {
      for (const local of ["'or'1'='1", '$1', "admin'--", "x'--", "%'or1=1--"]) {
        const email = `${local}.${randomSuffix()}@example.com`;
        const response = await api.post('/auth/register', { body: { email, password: 'register-password', name: 'Email' } });
        expect({ email, status: response.status }).toEqual({ email, status: 201 });
        expect(response.body.user.email).toBe(email);
      }
    });

    it.each(CASES)('stores the username %s literally, or refuses it', async (_label, text) => {
      const write = () =>
        api.post('/auth/register', {
          body: { email: uniqueEmail('sqli-username'), password: 'register-password', name: 'U', username: text },
        });
      await expectLiteralOrRefused(write, { field: 'username', value: text, success: 201, viewOf: (body) => body.user });
    });

    it('stores SQL-looking usernames that are valid literally', async () => {
      for (const username of ['or--1', 'drop.table.users', 'x_OR_1--', '--.--', 'select.star.from']) {
        const response = await api.post('/auth/register', {
          body: { email: uniqueEmail('sqli-valid'), password: 'register-password', name: 'U', username },
        });
        expect({ username, status: response.status }).toEqual({ username, status: 201 });
        expect(response.body.user.username).toBe(username);
      }
    });

    it.each(CASES.filter(([, text]) => !hasNul(text) && Buffer.byteLength(`${text}#pw`) >= 8))(
      'takes the password %s literally: it logs in, a near miss does not',
      async (_label, text) => {
        const email = uniqueEmail('sqli-password');
        const password = `${text}#pw`;
        const registered = await api.post('/auth/register', { body: { email, password, name: 'P' } });
        expect(registered.status).toBe(201);
        expect((await api.post('/auth/login', { body: { email, password } })).status).toBe(200);
        expectProblem(await api.post('/auth/login', { body: { email, password: `${text}#pW` } }), 401, 'INVALID_CREDENTIALS');
      },
    );
  });

  describe('PUT /users', () => {
    let self: { token: string; id: number };
    beforeAll(async () => {
      const registered = await api.register();
      self = { token: registered.token, id: registered.user.id };
    });

    const put = (body: Record<string, unknown>) => () => api.put('/users', { token: self.token, body });

    it.each(CASES)('stores %s literally in name, firstname and lastname (refuses NUL)', async (_label, text) => {
      for (const field of ['name', 'firstname', 'lastname']) {
        const outcome = await expectLiteralOrRefused(put({ [field]: text }), { id: self.id, field, value: text, success: 200 });
        expect({ field, outcome }).toEqual({ field, outcome: hasNul(text) ? 'refused' : 'stored' });
      }
    });

    it.each(TEXT_CASES)('stores %s literally, or refuses it, in email (pending), username, image_path and phone_number', async (_label, text, index) => {
      // A new email waits, as pending_email, for its link; each case's own account, as one gets 5 notices of changes an hour.
      const email = `${compact(text)}.p${index}@example.com`;
      const owner = await api.register();
      const change = () => api.put('/users', { token: owner.token, body: { email, current_password: owner.password } });
      await expectLiteralOrRefused(change, { id: owner.user.id, field: 'email', column: 'pending_email', value: email, success: 200 });
      const writes: [string, string][] = [
        ['username', text],
        ['username', compact(text)],
        ['image_path', text],
        ['image_path', compact(text)],
        ['image_path', `profile-pictures/${compact(text)}.jpg`],
        ['image_path', `https://example.com/${compact(text)}`],
        ['phone_number', text],
      ];
      for (const [field, value] of writes) {
        await expectLiteralOrRefused(put({ [field]: value }), { id: self.id, field, value, success: 200 });
      }
    });
  });

  describe('PUT /api/users/:id (admin)', () => {
    let target: { id: number };
    beforeAll(async () => {
      const registered = await api.register();
      target = { id: registered.user.id };
    });

    const put = (body: Record<string, unknown>) => () => api.put(`/api/users/${target.id}`, { token: admin, body });

    it.each(CASES)('stores %s literally in name, firstname and lastname (refuses NUL)', async (_label, text) => {
      for (const field of ['name', 'firstname', 'lastname']) {
        const outcome = await expectLiteralOrRefused(put({ [field]: text }), { id: target.id, field, value: text, success: 200 });
        expect({ field, outcome }).toEqual({ field, outcome: hasNul(text) ? 'refused' : 'stored' });
      }
    });

    it.each(TEXT_CASES)('stores %s literally, or refuses it, in email, username, image_path, profileImage and phone_number', async (_label, text, index) => {
      const writes: [string, string, string][] = [
        ['email', 'email', `${compact(text)}.a${index}@example.com`],
        ['username', 'username', text],
        ['username', 'username', compact(text)],
        ['image_path', 'image_path', text],
        ['image_path', 'image_path', compact(text)],
        ['profileImage', 'image_path', `pictures/${compact(text)}`],
        ['profileImage', 'image_path', `https://cdn.example.com/${compact(text)}`],
        ['phone_number', 'phone_number', text],
      ];
      for (const [field, column, value] of writes) {
        await expectLiteralOrRefused(put({ [field]: value }), { id: target.id, field, column, value, success: 200 });
      }
    });

    it.each(CASES.filter(([, text]) => !hasNul(text) && Buffer.byteLength(`${text}#adm`) >= 8))(
      'sets the password %s literally',
      async (_label, text) => {
        const password = `${text}#adm-Plum-42`;
        expect((await put({ password })()).status).toBe(200);
        // The email may have changed in the tests above: log in with the one stored now.
        const { email } = await row(target.id);
        expect((await api.post('/auth/login', { body: { email, password } })).status).toBe(200);
        expectProblem(await api.post('/auth/login', { body: { email, password: `${text}#aDm` } }), 401, 'INVALID_CREDENTIALS');
      },
    );

    it.each(CASES)('creates a user (POST /api/users) with %s literally in its names (refuses NUL)', async (_label, text) => {
      const response = await api.post('/api/users', {
        token: admin,
        body: { email: uniqueEmail('sqli-create'), password: 'created-password', name: text, firstname: text, lastname: text },
      });
      if (hasNul(text)) {
        expectProblem(response, 400, 'VALIDATION_FAILED');
        return;
      }
      expect(response.status).toBe(201);
      const stored = await row(response.body.id);
      for (const field of ['name', 'firstname', 'lastname']) {
        expect(response.body[field]).toBe(STORED[field](text));
        expect(stored[field]).toBe(STORED[field](text));
      }
    });
  });

  describe('POST /auth/login', () => {
    it.each(TEXT_CASES)('never logs anyone in with %s as the email or username', async (_label, text) => {
      const attempts = [
        { email: text, password: 'any-password-1' },
        { email: `${ADMIN.email}${text}`, password: 'any-password-1' },
        { username: text, password: 'any-password-1' },
        { email: text, password: `${text}${text}${text}`.slice(0, 72) },
      ];
      for (const body of attempts) {
        const response = await api.post('/auth/login', { body });
        const summary = `${JSON.stringify(body)} → ${response.status} ${response.text.slice(0, 200)}`;
        expect({ summary, refused: [400, 401].includes(response.status) }).toEqual({ summary, refused: true });
        expectProblem(response, response.status);
      }
    });
  });

  describe('GET /api/users?q=', () => {
    /** Every page of a search, as one list of ids. */
    async function search(q: string): Promise<number[]> {
      const ids: number[] = [];
      for (let page = 1; ; page++) {
        const response = await api.get(`/api/users?q=${encodeURIComponent(q)}&limit=100&page=${page}&sort=id`, { token: admin });
        expect({ q, status: response.status, text: response.status === 200 ? '' : response.text }).toEqual({ q, status: 200, text: '' });
        ids.push(...response.body.data.map((user: { id: number }) => user.id));
        if (ids.length >= response.body.total || response.body.data.length === 0) {
          expect(ids.length).toBe(response.body.total);
          return ids;
        }
      }
    }

    /** The live users whose email, username or names contain `q`, ignoring case, by plain string search. */
    async function literalMatches(q: string): Promise<number[]> {
      const rows: Record<string, string | number | null>[] = await db().query(
        'SELECT id, email, username, name, firstname, lastname FROM users WHERE deleted_at IS NULL ORDER BY id',
      );
      const needle = q.toLowerCase();
      return rows
        .filter((user) =>
          ['email', 'username', 'name', 'firstname', 'lastname'].some((column) =>
            String(user[column] ?? '').toLowerCase().includes(needle),
          ),
        )
        .map((user) => user.id as number);
    }

    it.each(TEXT_CASES)('matches %s literally: its owners are found, no one else', async (_label, text) => {
      // One more owner, created for this search, so that there is always someone to find.
      const owner = await api.post('/api/users', {
        token: admin,
        body: { email: uniqueEmail('sqli-owner'), password: 'owner-password', name: `Owner ${text} Owner` },
      });
      expect(owner.status).toBe(201);
      const expected = await literalMatches(text);
      expect(expected).toContain(owner.body.id);
      const [{ live }] = await db().query('SELECT count(*)::int AS live FROM users WHERE deleted_at IS NULL');
      expect(expected.length).toBeLessThan(live);
      expect(await search(text)).toEqual(expected);
    });

    it.each(CASES)('refuses %s in page, limit, role, is_active, sort and the path id with 400', async (_label, text) => {
      const value = encodeURIComponent(text);
      for (const path of [
        `/api/users?page=${value}`,
        `/api/users?limit=${value}`,
        `/api/users?role=${value}`,
        `/api/users?role=ADMIN${value}`,
        `/api/users?is_active=${value}`,
        `/api/users?sort=${value}`,
        `/api/users?sort=name${value}`,
        `/api/users?page=1${value}`,
        `/api/users/1${value}`,
      ]) {
        const response = await api.get(path, { token: admin });
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expectProblem(response, 400);
      }
    });
  });

  it('refuses a NUL character in every field of every route with 400 (or 401 for credentials), never 5xx', async () => {
    // PostgreSQL text cannot hold U+0000: a NUL that reaches a query is a 500, not a refusal.
    const { token, user } = await api.register();
    const nul = (around: string) => around.replace('*', '\u0000');
    const fields: [string, string][] = [
      ['name', nul('a*b')],
      ['firstname', nul('a*b')],
      ['lastname', nul('a*b')],
      ['email', nul('a*b@example.com')],
      ['username', nul('abc*def')],
      ['image_path', nul('pictures/a*b.jpg')],
      ['image_path', nul('https://example.com/a*b.jpg')],
      ['image_path', nul('https://example.com*/a.jpg')],
      ['phone_number', nul('+1555*1234567')],
    ];
    const adminOnly: [string, string][] = [
      ['profileImage', nul('https://cdn.example.com/a*b.jpg')],
      ['password', nul('password*password')],
      ['password_hash', nul('password*password')],
    ];
    const newAccount = () => ({ email: uniqueEmail('nul'), password: 'nul-password', name: 'Nul' });
    const requests: [string, () => Promise<ApiResponse>, number[]][] = [
      ...['name', 'email', 'username', 'password'].map((field): [string, () => Promise<ApiResponse>, number[]] => [
        `POST /auth/register ${field}`,
        () => api.post('/auth/register', { body: { ...newAccount(), [field]: nul(field === 'email' ? 'a*b@example.com' : 'abc*defghi') } }),
        [400],
      ]),
      ...fields.map(([field, value]): [string, () => Promise<ApiResponse>, number[]] => [
        `PUT /users ${field}=${label(value)}`,
        () => api.put('/users', { token, body: { [field]: value } }),
        [400],
      ]),
      ...[...fields, ...adminOnly].map(([field, value]): [string, () => Promise<ApiResponse>, number[]] => [
        `PUT /api/users/:id ${field}=${label(value)}`,
        () => api.put(`/api/users/${user.id}`, { token: admin, body: { [field]: value } }),
        [400],
      ]),
      ...[...fields, ['password', nul('password*password')]].map(([field, value]): [string, () => Promise<ApiResponse>, number[]] => [
        `POST /api/users ${field}=${label(value)}`,
        () => api.post('/api/users', { token: admin, body: { ...newAccount(), [field]: value } }),
        [400],
      ]),
      ['POST /auth/login email', () => api.post('/auth/login', { body: { email: nul('a*b@example.com'), password: 'nul-password' } }), [400, 401]],
      ['POST /auth/login username', () => api.post('/auth/login', { body: { username: nul('abc*def'), password: 'nul-password' } }), [400, 401]],
      ['POST /auth/login password', () => api.post('/auth/login', { body: { email: ADMIN.email, password: nul('admin-*password-1') } }), [400, 401]],
      ['POST /auth/refresh refresh_token', () => api.post('/auth/refresh', { body: { refresh_token: nul('abc*def') } }), [400, 401]],
      ['POST /auth/logout refresh_token', () => api.post('/auth/logout', { body: { refresh_token: nul('abc*def') } }), [400, 401]],
      ['POST /users/password new_password', () => api.post('/users/password', { token, body: { current_password: 'x', new_password: nul('new-*password') } }), [400, 401]],
      ['DELETE /users current_password', () => api.request('DELETE', '/users', { token, body: { current_password: nul('a*b') } }), [400, 401]],
      ...['*', nul("'*' OR 1=1 --"), nul('a*b')].map((q): [string, () => Promise<ApiResponse>, number[]] => [
        `GET /api/users?q=${label(nul(q))}`,
        () => api.get(`/api/users?q=${encodeURIComponent(nul(q))}`, { token: admin }),
        [400],
      ]),
    ];
    const wrong: string[] = [];
    const rowBefore = await row(user.id);
    for (const [where, request, allowed] of requests) {
      const response = await request();
      const problem = response.headers.get('content-type')?.startsWith('application/problem+json');
      if (!allowed.includes(response.status) || !problem) wrong.push(`${where} → ${response.status} ${response.body?.code ?? response.text.slice(0, 80)}`);
    }
    expect(wrong).toEqual([]);
    expect(await row(user.id)).toEqual(rowBefore);
  });

  it('left every table and every row in place', async () => {
    const tables = await db().query(
      `SELECT to_regclass('public.users')::text AS users, to_regclass('public.sessions')::text AS sessions,
              to_regclass('public.refresh_tokens')::text AS refresh_tokens`,
    );
    expect(tables).toEqual([{ users: 'users', sessions: 'sessions', refresh_tokens: 'refresh_tokens' }]);
    const ids = created();
    expect(ids.length).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await tableCount('users')).toBe(before.users + ids.length);
    expect(await rowsLeft('users', ids)).toBe(ids.length);
    // The sessions of before (the admin's, at least) are all still there.
    expect(await rowsLeft('sessions', before.sessions)).toBe(before.sessions.length);
    expect(await tableCount('sessions')).toBeGreaterThan(before.sessions.length);
    expect((await api.get('/api/users', { token: admin })).status).toBe(200);
  });
});
