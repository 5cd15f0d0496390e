import { claimsOf as decode } from './support/test-signing-key';
import { DataSource } from 'typeorm';
import { CookieJar, location, throughProvider, useTestProviders, visit, type GitHubUser } from './support/oauth-servers';
import { loginAgo } from './support/old-login';
import { ADMIN, useApp } from './support/test-app';
import { uniqueEmail } from './support/unique';

/** The frontend's origin (APP_URL): where a provider login may return. */
const FRONTEND = 'http://localhost:4300';

let githubIds = 1000;
function githubUser(fields: Partial<GitHubUser> = {}): GitHubUser {
  const id = ++githubIds;
  return { id, login: `octo${id}`, name: `Octo ${id}`, email: uniqueEmail('octo'), verified: true, ...fields };
}

describe('sign-in with other providers (OpenID Connect and GitHub)', () => {
  const providers = useTestProviders();
  const { idp, github } = providers;
  const { api, testApp } = useApp(() => ({ ...providers.env(), APP_URL: FRONTEND, OAUTH_REDIRECT_URLS: 'com.example.app:/oauth' }));
  const sql = (text: string, params: unknown[] = []) => testApp().app.get(DataSource).query(text, params);

  /** A test provider account with a verified address unless told otherwise. */
  function idpAccount(fields: { email?: string; email_verified?: boolean; name?: string } = {}): { id: string; email: string } {
    const id = `person-${Math.random().toString(36).slice(2)}`;
    const email = fields.email ?? uniqueEmail('idp');
    idp.accounts.set(id, { email, email_verified: true, name: 'Idp Person', ...fields });
    return { id, email };
  }

  /** The provider's return to the service, for `account`, of a flow begun in `jar`'s browser (or at `start`). */
  async function providerReturn(provider: 'idp' | 'github', account: string, { jar = new CookieJar(), redirectTo, start }: { jar?: CookieJar; redirectTo?: string; start?: string } = {}) {
    let authorize = start;
    if (!authorize) {
      const begin = `${api.baseUrl}/auth/oauth/${provider}${redirectTo ? `?redirect_to=${encodeURIComponent(redirectTo)}` : ''}`;
      const first = await visit(begin, jar);
      expect(first.status).toBe(302);
      authorize = location(first, begin);
    }
    return { callback: await throughProvider(authorize, jar, account, api.baseUrl), jar };
  }

  /** The callback visited: the frontend address it sends the browser to. */
  async function back(callback: string, jar: CookieJar): Promise<URL> {
    const response = await visit(callback, jar);
    expect(response.status).toBe(302);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    return new URL(location(response, callback));
  }

  /** A whole login: the exchange's answer. */
  async function signIn(provider: 'idp' | 'github', account: string, token?: string) {
    const { callback, jar } = await providerReturn(provider, account);
    const code = (await back(callback, jar)).searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return api.post('/auth/oauth/exchange', { body: { code }, token });
  }

  async function linkGithub(token: string, user: GitHubUser) {
    github.nextUser = user;
    const started = await api.post('/users/identities/github', { token, body: { redirect_to: `${FRONTEND}/profile` } });
    expect(started.status).toBe(200);
    const jar = new CookieJar();
    const { callback } = await providerReturn('github', '', { jar, start: started.body.authorization_url });
    const returned = await back(callback, jar);
    expect(returned.origin + returned.pathname).toBe(`${FRONTEND}/profile`);
    return api.post('/auth/oauth/exchange', { token, body: { code: returned.searchParams.get('code') } });
  }

  it('lists the configured providers for a login page', async () => {
    const listed = await api.get('/auth/providers');
    expect(listed.body).toEqual([
      { id: 'idp', name: 'Test IdP', type: 'oidc' },
      { id: 'github', name: 'GitHub', type: 'github' },
    ]);
  });

  it('signs a new user up through the OpenID Connect provider: verified, no password, a username made, amr fed', async () => {
    const person = idpAccount({ name: 'Ada Lovelace' });
    const jar = new CookieJar();
    const begin = `${api.baseUrl}/auth/oauth/idp?redirect_to=${encodeURIComponent(`${FRONTEND}/welcome?from=login`)}`;
    const first = await visit(begin, jar);
    expect(first.status).toBe(302);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.getSetCookie()[0]).toMatch(/^oauth_browser=[A-Za-z0-9_-]{43}; Path=\/auth\/oauth; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const authorize = new URL(location(first, begin));
    expect(authorize.origin).toBe(idp.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: idp.clientId,
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `http://127.0.0.1:${providers.port()}/auth/oauth/idp/callback`,
      scope: 'openid email profile',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const { callback } = await providerReturn('idp', person.id, { jar, start: authorize.href });
    const returned = await back(callback, jar);
    expect(returned.origin + returned.pathname).toBe(`${FRONTEND}/welcome`);
    expect(returned.searchParams.get('from')).toBe('login');
    const exchanged = await api.post('/auth/oauth/exchange', { body: { code: returned.searchParams.get('code') } });
    expect(exchanged.status).toBe(200);
    expect(exchanged.headers.get('pragma')).toBe('no-cache');
    expect(decode(exchanged.body.access_token)).toMatchObject({ amr: ['fed'], email_verified: true });
    const me = await api.get('/users', { token: exchanged.body.access_token });
    expect(me.body).toMatchObject({ email: person.email, name: 'Ada Lovelace', email_verified: true });
    expect(me.body.username).toMatch(/^[a-z0-9_.-]+$/);
    const [row] = await sql('SELECT password_hash FROM users WHERE id = $1', [me.body.id]);
    expect(row.password_hash).toBeNull();
    // No invitation, no verification mail: the provider vouched for the address.
    expect(await sql('SELECT kind FROM mail_outbox WHERE recipient = $1', [person.email])).toEqual([]);
    const identities = await api.get('/users/identities', { token: exchanged.body.access_token });
    expect(identities.body).toEqual([
      { id: expect.any(String), provider: 'idp', email: person.email, email_verified: true, linked_at: expect.any(String), last_used_at: expect.any(String) },
    ]);
    // The next login with it is a login to the same account.
    const again = await signIn('idp', person.id);
    expect(decode(again.body.access_token)).toMatchObject({ sub: String(me.body.id) });
    const events = await sql(`SELECT action, details FROM audit_events WHERE user_id = $1 ORDER BY id`, [me.body.id]);
    expect(events).toEqual([
      { action: 'signup', details: { provider: 'idp' } },
      { action: 'login.succeeded', details: { provider: 'idp', identity_id: identities.body[0].id, session_id: expect.any(String) } },
      { action: 'login.succeeded', details: { provider: 'idp', identity_id: identities.body[0].id, session_id: expect.any(String) } },
    ]);
  });

  it('signs up with GitHub (its id is the subject, its primary verified address the email)', async () => {
    const user = githubUser();
    github.nextUser = user;
    const answer = await signIn('github', '');
    expect(answer.status).toBe(200);
    const me = await api.get('/users', { token: answer.body.access_token });
    expect(me.body).toMatchObject({ email: user.email, name: user.name });
    expect(await sql(`SELECT subject FROM identities WHERE user_id = $1`, [me.body.id])).toEqual([{ subject: String(user.id) }]);
    // The token request carried the PKCE verifier of the redirect's challenge.
    expect(github.tokenRequests.at(-1)).toEqual({ ok: true });
  });

  it('never links an existing account by itself: ACCOUNT_EXISTS names the ways in; an unverified address is refused without a lookup', async () => {
    const { user } = await api.register();
    const person = idpAccount({ email: user.email });
    const exists = await signIn('idp', person.id);
    expect([exists.status, exists.body.code]).toEqual([409, 'ACCOUNT_EXISTS']);
    expect(exists.body.sign_in_methods).toEqual({ has_password: true, has_passkey: false, providers: [] });
    // The same address, unverified at the provider: no account is looked up, made or linked.
    const unverified = idpAccount({ email: user.email, email_verified: false });
    const refused = await signIn('idp', unverified.id);
    expect([refused.status, refused.body.code]).toEqual([403, 'PROVIDER_EMAIL_UNVERIFIED']);
    const stranger = idpAccount({ email_verified: false });
    expect((await signIn('idp', stranger.id)).body.code).toBe('PROVIDER_EMAIL_UNVERIFIED');
    expect(await sql(`SELECT count(*)::int AS n FROM identities WHERE user_id = $1`, [user.id])).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [stranger.email])).toEqual([{ n: 0 }]);
  });

  it('links GitHub from the profile, signs in with each way, and unlinks one (never the last way in)', async () => {
    const person = idpAccount();
    const signedUp = await signIn('idp', person.id);
    const token = signedUp.body.access_token as string;
    const octo = githubUser({ email: uniqueEmail('other-address') });
    const linked = await linkGithub(token, octo);
    expect(linked.status).toBe(200);
    expect(linked.body.linked).toMatchObject({ provider: 'github', email: octo.email });
    const me = await api.get('/users', { token });
    github.nextUser = octo;
    const viaGithub = await signIn('github', '');
    expect(decode(viaGithub.body.access_token)).toMatchObject({ sub: String(me.body.id), amr: ['fed'] });
    const list = (await api.get('/users/identities', { token })).body as { id: string; provider: string }[];
    expect(list.map((identity) => identity.provider).sort()).toEqual(['github', 'idp']);
    const idpIdentity = list.find((identity) => identity.provider === 'idp')!;
    const githubIdentity = list.find((identity) => identity.provider === 'github')!;
    // A login older than 10 minutes, and no password to give: re-authentication refused.
    const stale = await api.delete(`/users/identities/${idpIdentity.id}`, { token: await loginAgo(token, 3600) });
    expect([stale.status, stale.body.code]).toEqual([401, 'REAUTHENTICATION_REQUIRED']);
    expect((await api.delete(`/users/identities/${idpIdentity.id}`, { token })).status).toBe(204);
    // GitHub is now the last way in: kept.
    const last = await api.delete(`/users/identities/${githubIdentity.id}`, { token });
    expect([last.status, last.body.code]).toEqual([409, 'LAST_SIGN_IN_METHOD']);
    expect((await api.delete(`/users/identities/${idpIdentity.id}`, { token })).body.code).toBe('IDENTITY_NOT_FOUND');
    github.nextUser = octo;
    expect((await signIn('github', '')).status).toBe(200);
    const events = await sql(`SELECT action, details FROM audit_events WHERE user_id = $1 AND action LIKE 'identity.%' ORDER BY id`, [me.body.id]);
    expect(events).toEqual([
      { action: 'identity.linked', details: { provider: 'github', identity_id: githubIdentity.id } },
      { action: 'identity.unlinked', details: { provider: 'idp', identity_id: idpIdentity.id } },
    ]);
  });

  it('lets a password account link a provider after logging in, and refuses an identity linked to someone else', async () => {
    const { token, user } = await api.register();
    const octo = githubUser();
    expect((await linkGithub(token, octo)).status).toBe(200);
    const other = await api.register();
    const taken = await linkGithub(other.token, octo);
    expect([taken.status, taken.body.code]).toEqual([409, 'IDENTITY_TAKEN']);
    // A second GitHub account for the same account: refused too.
    const again = await linkGithub(token, githubUser());
    expect(again.body.code).toBe('IDENTITY_TAKEN');
    expect(await sql(`SELECT user_id FROM identities WHERE subject = $1`, [String(octo.id)])).toEqual([{ user_id: user.id }]);
  });

  it('makes one account when a new provider account signs in from two tabs at once', async () => {
    const person = idpAccount();
    const returns = [await providerReturn('idp', person.id), await providerReturn('idp', person.id)];
    // Both returns at once too: each must get its own answer.
    const codes = await Promise.all(returns.map(async ({ callback, jar }) => (await back(callback, jar)).searchParams.get('code')));
    const answers = await Promise.all(codes.map((code) => api.post('/auth/oauth/exchange', { body: { code } })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const ids = answers.map((answer) => decode(answer.body.access_token)!.sub);
    expect(ids[0]).toBe(ids[1]);
    expect(await sql(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [person.email])).toEqual([{ n: 1 }]);
  });

  it('gives each of 10 returns at once its own account, never another one\'s', async () => {
    const users = Array.from({ length: 10 }, () => githubUser());
    const returns = [];
    for (const user of users) {
      github.nextUser = user;
      returns.push(await providerReturn('github', ''));
    }
    const codes = await Promise.all(returns.map(async ({ callback, jar }) => (await back(callback, jar)).searchParams.get('code')));
    const answers = await Promise.all(codes.map((code) => api.post('/auth/oauth/exchange', { body: { code } })));
    const emails = await Promise.all(answers.map(async (answer) => (await api.get('/users', { token: answer.body.access_token })).body.email));
    expect(emails).toEqual(users.map((user) => user.email));
  });

  it('lets an account without a password delete itself after a recent login, and not with an old one', async () => {
    const person = idpAccount();
    const token = (await signIn('idp', person.id)).body.access_token as string;
    const stale = await api.delete('/users', { token: await loginAgo(token, 3600) });
    expect([stale.status, stale.body.code]).toEqual([401, 'REAUTHENTICATION_REQUIRED']);
    expect((await api.delete('/users', { token })).status).toBe(204);
    expect((await api.get('/users', { token })).status).toBe(401);
  });

  it('lets the provider account of a deleted account sign up again, as its address may', async () => {
    const person = idpAccount();
    const first = await signIn('idp', person.id);
    const { id } = (await api.get('/users', { token: first.body.access_token })).body;
    const admin = await api.login(ADMIN.email, ADMIN.password);
    expect((await api.delete(`/api/users/${id}`, { token: admin })).status).toBe(204);
    const again = await signIn('idp', person.id);
    expect(again.status).toBe(200);
    expect((await api.get('/users', { token: again.body.access_token })).body.id).not.toBe(id);
  });

  it("refuses a linking's code exchanged by another account or without a token", async () => {
    const attacker = await api.register();
    const victim = await api.register();
    const octo = githubUser();
    github.nextUser = octo;
    const started = await api.post('/users/identities/github', { token: attacker.token });
    const jar = new CookieJar();
    const { callback } = await providerReturn('github', '', { jar, start: started.body.authorization_url });
    const code = (await back(callback, jar)).searchParams.get('code');
    const byVictim = await api.post('/auth/oauth/exchange', { token: victim.token, body: { code } });
    expect([byVictim.status, byVictim.body.code]).toEqual([400, 'OAUTH_CODE_INVALID']);
    // Spent by that try: the attacker cannot take it either.
    expect((await api.post('/auth/oauth/exchange', { token: attacker.token, body: { code } })).body.code).toBe('OAUTH_CODE_INVALID');
    expect(await sql(`SELECT count(*)::int AS n FROM identities WHERE subject = $1`, [String(octo.id)])).toEqual([{ n: 0 }]);
  });

  it('still asks for the account\'s own second factor after a provider login', async () => {
    const person = idpAccount();
    const token = (await signIn('idp', person.id)).body.access_token as string;
    const { TOTP } = await import('otpauth');
    const started = await api.post('/users/mfa/totp', { token });
    const totp = new TOTP({ secret: started.body.secret });
    expect((await api.post('/users/mfa/totp/confirm', { token, body: { code: totp.generate() } })).status).toBe(200);
    const login = await signIn('idp', person.id);
    expect(login.body).toMatchObject({ mfa_required: true, methods: ['totp', 'recovery_code'] });
    expect(login.body.access_token).toBeUndefined();
    const verified = await api.post('/auth/mfa/verify', { body: { mfa_token: login.body.mfa_token, code: totp.generate({ timestamp: Date.now() + 30_000 }) } });
    expect(verified.status).toBe(200);
    expect(decode(verified.body.access_token)).toMatchObject({ amr: ['fed', 'otp'] });
  });

  describe('with a rate limit of 3 a minute', () => {
    const limited = useApp(() => ({
      RATE_LIMIT_AUTH_PER_MINUTE: '3',
      APP_URL: FRONTEND,
      AUTH_PROVIDERS: JSON.stringify([
        { id: 'github', type: 'github', client_id: github.clientId, client_secret: github.clientSecret, authorization_url: `${github.url}/login/oauth/authorize`, token_url: `${github.url}/login/oauth/access_token`, api_url: github.url },
      ]),
    })).api;

    it('bounds the flows an address can start and the codes it can try', async () => {
      const start = async () => (await fetch(`${limited.baseUrl}/auth/oauth/github`, { redirect: 'manual' })).status;
      const statuses = [await start(), await start(), await start()];
      const exchange = await limited.post('/auth/oauth/exchange', { body: { code: 'A'.repeat(43) } });
      expect([...statuses, exchange.status]).toEqual([302, 302, 302, 429]);
      expect(exchange.body.code).toBe('RATE_LIMITED');
      expect(await start()).toBe(429);
      expect(await limited.get('/auth/providers').then((listed) => listed.status)).toBe(200);
    });
  });

  describe('attacks', () => {
    it('refuses a forged state, a replayed one, and a return to another browser', async () => {
      const person = idpAccount();
      const { callback, jar } = await providerReturn('idp', person.id);
      const forged = new URL(callback);
      forged.searchParams.set('state', 'A'.repeat(43));
      const refused = await visit(forged.href, jar);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { code: string }).code).toBe('OAUTH_STATE_INVALID');
      expect(refused.headers.get('location')).toBeNull();
      // Another browser (login CSRF: a victim sent the attacker's return): no cookie, no login.
      const stolen = await visit(callback, new CookieJar());
      expect([stolen.status, ((await stolen.json()) as { code: string }).code]).toEqual([400, 'OAUTH_STATE_INVALID']);
      // The flow was spent by that return: the right browser cannot use it again either.
      expect((await visit(callback, jar)).status).toBe(400);
      const fresh = await providerReturn('idp', person.id);
      expect((await back(fresh.callback, fresh.jar)).searchParams.get('code')).toBeTruthy();
      const replayed = await visit(fresh.callback, fresh.jar);
      expect(replayed.status).toBe(400);
      const none = await visit(`${api.baseUrl}/auth/oauth/idp/callback?code=x`, new CookieJar());
      expect(none.status).toBe(400);
    });

    it.each([
      ['a wrong nonce', (claims: Record<string, unknown>) => ({ claims: { ...claims, nonce: 'not-the-nonce' } })],
      ['another issuer', (claims: Record<string, unknown>) => ({ claims: { ...claims, iss: 'https://evil.example' } })],
      ['another audience', (claims: Record<string, unknown>) => ({ claims: { ...claims, aud: 'another-client' } })],
      ['a key not in the JWKS', (claims: Record<string, unknown>) => ({ claims, key: 'other' as const })],
      ['an expired token', (claims: Record<string, unknown>) => ({ claims: { ...claims, exp: Math.floor(Date.now() / 1000) - 3600 } })],
    ])('refuses an ID token with %s: back to the frontend with an error, no account', async (_name, tamper) => {
      const person = idpAccount();
      idp.tamper = tamper;
      try {
        const { callback, jar } = await providerReturn('idp', person.id);
        const returned = await back(callback, jar);
        expect(returned.searchParams.get('error')).toBe('PROVIDER_LOGIN_FAILED');
        expect(returned.searchParams.get('code')).toBeNull();
      } finally {
        idp.tamper = undefined;
      }
      expect(await sql(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [person.email])).toEqual([{ n: 0 }]);
    });

    it('sends the browser back with an error when the user refuses at the provider', async () => {
      const jar = new CookieJar();
      const begin = `${api.baseUrl}/auth/oauth/github`;
      github.nextUser = githubUser();
      const authorize = new URL(location(await visit(begin, jar), begin));
      const denied = `${api.baseUrl}/auth/oauth/github/callback?error=access_denied&state=${authorize.searchParams.get('state')}`;
      expect((await back(denied, jar)).searchParams.get('error')).toBe('PROVIDER_LOGIN_FAILED');
    });

    it.each([
      'https://evil.example/',
      'https://localhost:4300.evil.example/',
      'http://localhost:4300@evil.example/',
      '//evil.example/',
      'javascript:alert(1)',
      'com.example.app:/other',
      `http://localhost:4301/`,
    ])('never redirects to %s (an open redirect would carry the code away)', async (target) => {
      const response = await api.get(`/auth/oauth/idp?redirect_to=${encodeURIComponent(target)}`);
      expect([response.status, response.body.code]).toEqual([400, 'REDIRECT_NOT_ALLOWED']);
      expect(response.headers.get('location')).toBeNull();
    });

    it("returns to a mobile app's own address when OAUTH_REDIRECT_URLS names it", async () => {
      const person = idpAccount();
      const { callback, jar } = await providerReturn('idp', person.id, { redirectTo: 'com.example.app:/oauth' });
      const returned = await back(callback, jar);
      expect(`${returned.protocol}${returned.pathname}`).toBe('com.example.app:/oauth');
      expect(returned.searchParams.get('code')).toBeTruthy();
    });

    it('takes a code once, within a minute', async () => {
      const person = idpAccount();
      const { callback, jar } = await providerReturn('idp', person.id);
      const code = (await back(callback, jar)).searchParams.get('code');
      expect((await api.post('/auth/oauth/exchange', { body: { code } })).status).toBe(200);
      const twice = await api.post('/auth/oauth/exchange', { body: { code } });
      expect([twice.status, twice.body.code]).toEqual([400, 'OAUTH_CODE_INVALID']);
      const late = await providerReturn('idp', person.id);
      const lateCode = (await back(late.callback, late.jar)).searchParams.get('code');
      await sql(`UPDATE oauth_codes SET expires_at = now() - interval '1 second'`);
      expect((await api.post('/auth/oauth/exchange', { body: { code: lateCode } })).body.code).toBe('OAUTH_CODE_INVALID');
      expect((await api.post('/auth/oauth/exchange', { body: { code: 'short' } })).body.code).toBe('VALIDATION_FAILED');
    });

    it('answers 404 for a provider that is not configured', async () => {
      expect((await api.get('/auth/oauth/nope')).body.code).toBe('PROVIDER_NOT_FOUND');
      expect((await api.get('/auth/oauth/nope/callback?state=x')).body.code).toBe('PROVIDER_NOT_FOUND');
    });
  });
});
