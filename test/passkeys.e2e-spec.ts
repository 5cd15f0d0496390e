import { claimsOf as decode } from './support/test-signing-key';
import type { ApiClient } from './support/api-client';
import { SoftAuthenticator } from './support/soft-authenticator';
import { loginAgo } from './support/old-login';
import { ADMIN, useApp } from './support/test-app';

const ORIGIN = 'http://localhost:4200';

/** A signed-up user with a passkey registered on its own authenticator. */
async function withPasskey(api: ApiClient) {
  const account = await api.register();
  const authenticator = new SoftAuthenticator(ORIGIN);
  const options = await api.post('/users/passkeys/options', { token: account.token });
  expect(options.status).toBe(200);
  const { json, credential } = authenticator.register(options.body);
  const registered = await api.post('/users/passkeys', { token: account.token, body: { credential: json, name: 'Test key' } });
  expect(registered.status).toBe(201);
  return { ...account, authenticator, credential, passkeyId: registered.body.id as string };
}

describe('passkeys (WebAuthn)', () => {
  const { api } = useApp({ WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: ORIGIN });

  describe('registration', () => {
    it('gives options bound to the relying party and the account, and keeps the passkey it signs', async () => {
      const { token, user } = await api.register();
      const options = await api.post('/users/passkeys/options', { token });
      expect(options.body).toMatchObject({
        rp: { id: 'localhost', name: 'user-accounts' },
        user: { name: user.email },
        attestation: 'none',
        authenticatorSelection: { residentKey: 'required' },
        excludeCredentials: [],
      });
      expect(options.body.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The user handle is opaque: not the id, not the email.
      expect(Buffer.from(options.body.user.id, 'base64url').toString()).not.toContain(String(user.id));
      const authenticator = new SoftAuthenticator(ORIGIN);
      const { json } = authenticator.register(options.body);
      const registered = await api.post('/users/passkeys', { token, body: { credential: json } });
      expect(registered.status).toBe(201);
      expect(registered.body).toEqual({ id: expect.any(String), name: expect.any(String), backed_up: false, created_at: expect.any(String), last_used_at: null });
      expect((await api.get('/users', { token })).body.mfa).toEqual({ totp: false, passkeys: 1 });
      const listed = await api.get('/users/passkeys', { token });
      expect(listed.body).toEqual([registered.body]);
      // The next options tell the browser not to register the same authenticator again.
      const next = await api.post('/users/passkeys/options', { token });
      expect(next.body.excludeCredentials).toEqual([expect.objectContaining({ id: json.id })]);
    });

    it('refuses a challenge used twice, one from another origin, and options for a login older than 10 minutes', async () => {
      const { token, password } = await api.register();
      const authenticator = new SoftAuthenticator(ORIGIN);
      const options = await api.post('/users/passkeys/options', { token });
      expect((await api.post('/users/passkeys', { token, body: { credential: authenticator.register(options.body).json } })).status).toBe(201);
      const reused = await api.post('/users/passkeys', { token, body: { credential: authenticator.register(options.body).json } });
      expect([reused.status, reused.body.code]).toEqual([401, 'PASSKEY_INVALID']);
      const fresh = await api.post('/users/passkeys/options', { token });
      const phished = await api.post('/users/passkeys', { token, body: { credential: authenticator.register(fresh.body, { origin: 'https://evil.example' }).json } });
      expect([phished.status, phished.body.code]).toEqual([401, 'PASSKEY_INVALID']);
      const old = await loginAgo(token, 660);
      expect((await api.post('/users/passkeys/options', { token: old })).body.code).toBe('REAUTHENTICATION_REQUIRED');
      expect((await api.post('/users/passkeys/options', { token: old, body: { current_password: password } })).status).toBe(200);
    });

    it("refuses another account's registration challenge", async () => {
      const alice = await api.register();
      const bob = await api.register();
      const options = await api.post('/users/passkeys/options', { token: alice.token });
      const { json } = new SoftAuthenticator(ORIGIN).register(options.body);
      expect((await api.post('/users/passkeys', { token: bob.token, body: { credential: json } })).body.code).toBe('PASSKEY_INVALID');
    });

    it('refuses a malformed credential with 400, naming the field', async () => {
      const { token } = await api.register();
      for (const credential of [{}, { id: 'x', rawId: 'x', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'not base64url!', attestationObject: 'AA' } }]) {
        const refused = await api.post('/users/passkeys', { token, body: { credential } });
        expect(refused.status).toBe(400);
        expect(refused.body.code).toBe('VALIDATION_FAILED');
      }
      const extra = await api.post('/users/passkeys', {
        token,
        body: { credential: { id: 'AA', rawId: 'AA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'AA', attestationObject: 'AA', admin: true } } },
      });
      expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'credential.response.admin' })]);
    });
  });

  describe('signing in with a passkey alone', () => {
    it('logs in with a discoverable passkey: a token of amr webauthn, and the passkey shows its use', async () => {
      const { token, authenticator, user } = await withPasskey(api);
      const options = await api.post('/auth/passkey/options');
      expect(options.status).toBe(200);
      expect(options.body).toMatchObject({ rpId: 'localhost', allowCredentials: [], userVerification: 'required' });
      const login = await api.post('/auth/passkey/login', { body: { credential: authenticator.assert(options.body) } });
      expect(login.status).toBe(200);
      const claims = decode(login.body.access_token) as { sub: string; amr: string[] };
      expect(claims).toMatchObject({ sub: String(user.id), amr: ['webauthn'] });
      const [listed] = (await api.get('/users/passkeys', { token })).body;
      expect(listed.last_used_at).toEqual(expect.any(String));
    });

    it('refuses an assertion replayed, a challenge used twice, and a counter that went back (audited)', async () => {
      const { authenticator, user, credential } = await withPasskey(api);
      const options = await api.post('/auth/passkey/options');
      const signed = authenticator.assert(options.body);
      expect((await api.post('/auth/passkey/login', { body: { credential: signed } })).status).toBe(200);
      const replayed = await api.post('/auth/passkey/login', { body: { credential: signed } });
      expect([replayed.status, replayed.body.code]).toEqual([401, 'PASSKEY_INVALID']);
      const again = await api.post('/auth/passkey/login', { body: { credential: authenticator.assert(options.body) } });
      expect(again.body.code).toBe('PASSKEY_INVALID');
      // A copy of the authenticator, behind the original: its counter did not move forward.
      const fresh = await api.post('/auth/passkey/options');
      const cloned = await api.post('/auth/passkey/login', { body: { credential: authenticator.assert(fresh.body, { credential, counter: 1 }) } });
      expect(cloned.body.code).toBe('PASSKEY_INVALID');
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const trail = await api.get(`/api/audit?user_id=${user.id}&action=passkey.counter_regressed`, { token: admin });
      expect(trail.body.data).toHaveLength(1);
      expect(trail.body.data[0].details).toMatchObject({ reason: 'counter_regressed' });
    });

    it('refuses an unknown passkey, one from another origin, and a disabled account', async () => {
      const { authenticator, user } = await withPasskey(api);
      const stranger = new SoftAuthenticator(ORIGIN);
      stranger.register({ challenge: 'x', rp: { id: 'localhost' }, user: { id: 'eA' } });
      const unknown = await api.post('/auth/passkey/login', { body: { credential: stranger.assert((await api.post('/auth/passkey/options')).body) } });
      expect(unknown.body.code).toBe('PASSKEY_INVALID');
      const phished = await api.post('/auth/passkey/login', {
        body: { credential: authenticator.assert((await api.post('/auth/passkey/options')).body, { origin: 'https://evil.example' }) },
      });
      expect(phished.body.code).toBe('PASSKEY_INVALID');
      const admin = await api.login(ADMIN.email, ADMIN.password);
      await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: false } });
      const disabled = await api.post('/auth/passkey/login', { body: { credential: authenticator.assert((await api.post('/auth/passkey/options')).body) } });
      expect([disabled.status, disabled.body.code]).toEqual([401, 'ACCOUNT_DISABLED']);
    });
  });

  describe('as the second factor of a password login', () => {
    it('asks for it after the password, and finishes the login with it: amr pwd and webauthn', async () => {
      const { user, password, authenticator, credential } = await withPasskey(api);
      const login = await api.post('/auth/login', { body: { email: user.email, password } });
      expect(login.body).toMatchObject({ mfa_required: true, methods: ['webauthn', 'recovery_code'] });
      const options = await api.post('/auth/mfa/passkey/options', { body: { mfa_token: login.body.mfa_token } });
      expect(options.body.allowCredentials).toEqual([expect.objectContaining({ id: credential.id.toString('base64url') })]);
      const verified = await api.post('/auth/mfa/verify', { body: { mfa_token: login.body.mfa_token, passkey: authenticator.assert(options.body) } });
      expect(verified.status).toBe(200);
      expect((decode(verified.body.access_token) as { amr: string[] }).amr).toEqual(['pwd', 'webauthn']);
      const again = await api.post('/auth/mfa/verify', { body: { mfa_token: login.body.mfa_token, passkey: authenticator.assert(options.body) } });
      expect(again.body.code).toBe('MFA_TOKEN_INVALID');
    });

    it("forgives the password's earlier failures once it finishes the login, as a right code does", async () => {
      const { user, password, authenticator } = await withPasskey(api);
      const wrong = () => api.post('/auth/login', { body: { email: user.email, password: 'not the password' } });
      // LOGIN_MAX_FAILURES is 5: four wrong passwords, then a login finished with the passkey.
      for (let i = 0; i < 4; i++) expect((await wrong()).body.code).toBe('INVALID_CREDENTIALS');
      const login = await api.post('/auth/login', { body: { email: user.email, password } });
      const options = await api.post('/auth/mfa/passkey/options', { body: { mfa_token: login.body.mfa_token } });
      expect((await api.post('/auth/mfa/verify', { body: { mfa_token: login.body.mfa_token, passkey: authenticator.assert(options.body) } })).status).toBe(200);
      // Counted from nothing again: four more wrong passwords lock nothing.
      for (let i = 0; i < 4; i++) expect((await wrong()).body.code).toBe('INVALID_CREDENTIALS');
      expect((await api.post('/auth/login', { body: { email: user.email, password } })).body.mfa_required).toBe(true);
    });

    it("refuses another user's passkey for the waiting login, counting it as a wrong answer", async () => {
      const alice = await withPasskey(api);
      const mallory = await withPasskey(api);
      const login = await api.post('/auth/login', { body: { email: alice.user.email, password: alice.password } });
      const mfa_token = login.body.mfa_token;
      for (let i = 0; i < 5; i++) {
        const options = await api.post('/auth/mfa/passkey/options', { body: { mfa_token } });
        const signed = mallory.authenticator.assert(options.body, { credential: mallory.credential });
        const refused = await api.post('/auth/mfa/verify', { body: { mfa_token, passkey: signed } });
        expect(refused.body.code).toBe('PASSKEY_INVALID');
      }
      // Five wrong answers: the waiting login is over, even for Alice's own passkey.
      expect((await api.post('/auth/mfa/passkey/options', { body: { mfa_token } })).body.code).toBe('MFA_TOKEN_INVALID');
    });

    it('refuses a login challenge (a passkey alone) offered as the second factor', async () => {
      const { user, password, authenticator } = await withPasskey(api);
      const login = await api.post('/auth/login', { body: { email: user.email, password } });
      const loginOptions = await api.post('/auth/passkey/options');
      const refused = await api.post('/auth/mfa/verify', { body: { mfa_token: login.body.mfa_token, passkey: authenticator.assert(loginOptions.body) } });
      expect(refused.body.code).toBe('PASSKEY_INVALID');
    });
  });

  describe('managing passkeys', () => {
    it('renames one, and removes one only after a re-authentication', async () => {
      const { token, passkeyId, user, password } = await withPasskey(api);
      const renamed = await api.put(`/users/passkeys/${passkeyId}`, { token, body: { name: 'Work laptop' } });
      expect([renamed.status, renamed.body.name]).toEqual([200, 'Work laptop']);
      expect((await api.put('/users/passkeys/00000000-0000-4000-8000-000000000000', { token, body: { name: 'x' } })).body.code).toBe('PASSKEY_NOT_FOUND');
      expect((await api.delete(`/users/passkeys/${passkeyId}`, { token: await loginAgo(token, 660) })).body.code).toBe('REAUTHENTICATION_REQUIRED');
      expect((await api.delete(`/users/passkeys/${passkeyId}`, { token })).status).toBe(204);
      expect((await api.get('/users', { token })).body.mfa).toEqual({ totp: false, passkeys: 0 });
      expect((await api.delete(`/users/passkeys/${passkeyId}`, { token })).body.code).toBe('PASSKEY_NOT_FOUND');
      // No second factor left: the password alone logs in.
      expect((await api.post('/auth/login', { body: { email: user.email, password } })).body.access_token).toEqual(expect.any(String));
    });

    it("cannot rename or remove another account's passkey", async () => {
      const alice = await withPasskey(api);
      const bob = await api.register();
      expect((await api.put(`/users/passkeys/${alice.passkeyId}`, { token: bob.token, body: { name: 'mine' } })).body.code).toBe('PASSKEY_NOT_FOUND');
      expect((await api.delete(`/users/passkeys/${alice.passkeyId}`, { token: bob.token })).body.code).toBe('PASSKEY_NOT_FOUND');
      expect((await api.get('/users/passkeys', { token: alice.token })).body).toHaveLength(1);
    });

    it("is undone by an administrator's removal of the second factors", async () => {
      const { user, authenticator } = await withPasskey(api);
      const admin = await api.login(ADMIN.email, ADMIN.password);
      expect((await api.delete(`/api/users/${user.id}/mfa`, { token: admin })).status).toBe(204);
      const login = await api.post('/auth/passkey/login', { body: { credential: authenticator.assert((await api.post('/auth/passkey/options')).body) } });
      expect(login.body.code).toBe('PASSKEY_INVALID');
    });
  });
});
