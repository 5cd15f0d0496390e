import { claimsOf as decode } from './support/test-signing-key';
import { Secret } from 'otpauth';
import { DataSource } from 'typeorm';
import { totpCode, totpStep } from '../src/auth/second-factor/totp';
import type { ApiClient } from './support/api-client';
import { useMailedApp } from './support/mailed-app';
import { loginAgo } from './support/old-login';
import { ADMIN, useApp } from './support/test-app';

/** The code of time step `step`, made from the secret as an authenticator app makes it. */
const codeAt = (secret: Buffer, step: number) => totpCode(secret, step * 30_000 + 1_000);

/** A signed-up user with an authenticator app set up: its secret, the step its first code took, and its recovery codes. */
async function enrolled(api: ApiClient) {
  const account = await api.register();
  const started = await api.post('/users/mfa/totp', { token: account.token, body: {} });
  expect(started.status).toBe(200);
  const secret = Buffer.from(Secret.fromBase32(started.body.secret).bytes);
  const step = totpStep(Date.now());
  const confirmed = await api.post('/users/mfa/totp/confirm', { token: account.token, body: { code: codeAt(secret, step) } });
  expect(confirmed.status).toBe(200);
  return { ...account, secret, step, recoveryCodes: confirmed.body.recovery_codes as string[] };
}

/** Logs in with the password: the waiting login's token. */
async function mfaToken(api: ApiClient, email: string, password: string): Promise<string> {
  const login = await api.post('/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  expect(login.body).toMatchObject({ mfa_required: true, expires_in: 300, methods: ['totp', 'recovery_code'] });
  expect(login.body.access_token).toBeUndefined();
  return login.body.mfa_token;
}

describe('second factor: an authenticator app (TOTP) and recovery codes', () => {
  const { api, testApp } = useApp();
  const sql = (text: string, params: unknown[] = []) => testApp().app.get(DataSource).query(text, params);

  describe('enrolment', () => {
    it('gives a secret, its otpauth URI and QR code; nothing is active until a code confirms it', async () => {
      const { token, user, password } = await api.register();
      // No body at all: the token's login is recent.
      const started = await api.post('/users/mfa/totp', { token });
      expect(started.status).toBe(200);
      expect(Object.keys(started.body).sort()).toEqual(['otpauth_uri', 'qr_code', 'secret']);
      expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(started.body.otpauth_uri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.searchParams.get('secret')).toBe(started.body.secret);
      expect(decodeURIComponent(uri.pathname)).toContain(user.email);
      expect(Buffer.from(started.body.qr_code.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString()).toMatch(/^<svg/);
      // Pending: the view says no, and login still answers tokens.
      expect((await api.get('/users', { token })).body.mfa).toEqual({ totp: false, passkeys: 0 });
      expect((await api.post('/auth/login', { body: { email: user.email, password } })).body.access_token).toEqual(expect.any(String));
      // Kept sealed: neither the base32 nor the bytes in the row.
      const [row] = await sql('SELECT secret FROM totp_factors WHERE user_id = $1', [user.id]);
      const bytes = Buffer.from(Secret.fromBase32(started.body.secret).bytes);
      expect(row.secret).toMatch(/^v1\./);
      expect(row.secret).not.toContain(started.body.secret);
      expect(row.secret).not.toContain(bytes.toString('base64url'));
    });

    it('turns the app on with its first code, answering 10 recovery codes once; the view and ETag change', async () => {
      const { token, user } = await api.register();
      const before = await api.get('/users', { token });
      const started = await api.post('/users/mfa/totp', { token, body: {} });
      const secret = Buffer.from(Secret.fromBase32(started.body.secret).bytes);
      const wrong = await api.post('/users/mfa/totp/confirm', { token, body: { code: codeAt(secret, totpStep(Date.now()) + 5) } });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_MFA_CODE']);
      const confirmed = await api.post('/users/mfa/totp/confirm', { token, body: { code: codeAt(secret, totpStep(Date.now())) } });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.recovery_codes).toHaveLength(10);
      expect(new Set(confirmed.body.recovery_codes).size).toBe(10);
      for (const code of confirmed.body.recovery_codes) expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      const after = await api.get('/users', { token });
      expect(after.body.mfa).toEqual({ totp: true, passkeys: 0 });
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
      // The codes are kept as keyed hashes only.
      const rows: { code_hash: string }[] = await sql('SELECT code_hash FROM recovery_codes WHERE user_id = $1', [user.id]);
      expect(rows).toHaveLength(10);
      for (const code of confirmed.body.recovery_codes) expect(JSON.stringify(rows)).not.toContain(code.replace('-', ''));
      // Set up once: another start or confirm is a conflict.
      expect((await api.post('/users/mfa/totp', { token, body: {} })).body.code).toBe('MFA_ALREADY_ENABLED');
      expect((await api.post('/users/mfa/totp/confirm', { token, body: { code: '123456' } })).body.code).toBe('MFA_ALREADY_ENABLED');
    });

    it('refuses to confirm what was never started, and a code of a secret replaced by a new start', async () => {
      const { token } = await api.register();
      expect((await api.post('/users/mfa/totp/confirm', { token, body: { code: '123456' } })).body.code).toBe('MFA_NOT_ENABLED');
      const first = await api.post('/users/mfa/totp', { token, body: {} });
      await api.post('/users/mfa/totp', { token, body: {} });
      const oldSecret = Buffer.from(Secret.fromBase32(first.body.secret).bytes);
      const late = await api.post('/users/mfa/totp/confirm', { token, body: { code: codeAt(oldSecret, totpStep(Date.now())) } });
      expect([late.status, late.body.code]).toEqual([401, 'INVALID_MFA_CODE']);
    });

    it('asks a login older than 10 minutes for the current password, and counts a wrong one', async () => {
      const { token, password } = await api.register();
      const old = await loginAgo(token, 601);
      const refused = await api.post('/users/mfa/totp', { token: old, body: {} });
      expect([refused.status, refused.body.code]).toEqual([401, 'REAUTHENTICATION_REQUIRED']);
      const wrong = await api.post('/users/mfa/totp', { token: old, body: { current_password: 'not-the-password' } });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      expect((await api.post('/users/mfa/totp', { token: old, body: { current_password: password } })).status).toBe(200);
    });
  });

  describe('login', () => {
    it('answers mfa_required and no tokens; the code finishes it with a token of amr pwd+otp', async () => {
      const { user, password, secret, step } = await enrolled(api);
      const mfa_token = await mfaToken(api, user.email, password);
      const verified = await api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 1) } });
      expect(verified.status).toBe(200);
      expect(Object.keys(verified.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
      const claims = decode(verified.body.access_token) as { amr: string[]; auth_time: number };
      expect(claims.amr).toEqual(['pwd', 'otp']);
      expect(Math.abs(claims.auth_time - Date.now() / 1000)).toBeLessThan(60);
      expect((await api.get('/users', { token: verified.body.access_token })).status).toBe(200);
      // The refreshed token says the same of its login.
      const refreshed = await api.post('/auth/refresh', { body: { refresh_token: verified.body.refresh_token } });
      expect((decode(refreshed.body.access_token) as { amr: string[] }).amr).toEqual(['pwd', 'otp']);
    });

    it('takes a code once per time step, and none older than the last taken; one step either side', async () => {
      const { user, password, secret, step } = await enrolled(api);
      const tryCode = async (code: string) => api.post('/auth/mfa/verify', { body: { mfa_token: await mfaToken(api, user.email, password), code } });
      // The confirmation took `step`: its code again, and the one before, are refused.
      expect((await tryCode(codeAt(secret, step))).body.code).toBe('INVALID_MFA_CODE');
      expect((await tryCode(codeAt(secret, step - 1))).body.code).toBe('INVALID_MFA_CODE');
      // Two steps ahead is outside the window.
      expect((await tryCode(codeAt(secret, step + 3))).body.code).toBe('INVALID_MFA_CODE');
      expect((await tryCode(codeAt(secret, step + 1))).status).toBe(200);
      expect((await tryCode(codeAt(secret, step + 1))).body.code).toBe('INVALID_MFA_CODE');
    });

    it('takes each recovery code once, as printed or typed loosely', async () => {
      const { user, password, recoveryCodes } = await enrolled(api);
      const tryCode = async (recovery_code: string) =>
        api.post('/auth/mfa/verify', { body: { mfa_token: await mfaToken(api, user.email, password), recovery_code } });
      const first = await tryCode(recoveryCodes[0]);
      expect(first.status).toBe(200);
      expect((decode(first.body.access_token) as { amr: string[] }).amr).toEqual(['pwd', 'otp']);
      expect((await tryCode(recoveryCodes[0])).body.code).toBe('INVALID_MFA_CODE');
      expect((await tryCode(recoveryCodes[1].replace('-', ' ').toLowerCase())).status).toBe(200);
      expect((await tryCode('AAAAA-AAAAA')).body.code).toBe('INVALID_MFA_CODE');
    });

    it('refuses an mfa_token as an access token, and an mfa_token used twice', async () => {
      const { user, password, secret, step } = await enrolled(api);
      const mfa_token = await mfaToken(api, user.email, password);
      const asBearer = await api.get('/users', { token: mfa_token });
      expect(asBearer.status).toBe(401);
      expect((await api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 1) } })).status).toBe(200);
      const again = await api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 2) } });
      expect([again.status, again.body.code]).toEqual([401, 'MFA_TOKEN_INVALID']);
    });

    it('refuses an mfa_token after its 5 minutes', async () => {
      const { user, password, secret, step } = await enrolled(api);
      const mfa_token = await mfaToken(api, user.email, password);
      await sql(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
      const late = await api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 1) } });
      expect([late.status, late.body.code]).toEqual([401, 'MFA_TOKEN_INVALID']);
    });

    it('ends an mfa_token at its fifth wrong code', async () => {
      const { user, password, secret, step } = await enrolled(api);
      const mfa_token = await mfaToken(api, user.email, password);
      for (let i = 0; i < 5; i++) {
        const wrong = await api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 10 + i) } });
        expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_MFA_CODE']);
      }
      const right = await api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 1) } });
      expect([right.status, right.body.code]).toEqual([401, 'MFA_TOKEN_INVALID']);
    });

    it('refuses an unknown mfa_token, and a body with both or neither of code and recovery_code', async () => {
      const unknown = await api.post('/auth/mfa/verify', { body: { mfa_token: 'x'.repeat(43), code: '123456' } });
      expect([unknown.status, unknown.body.code]).toEqual([401, 'MFA_TOKEN_INVALID']);
      for (const body of [{ mfa_token: 'x' }, { mfa_token: 'x', code: '123456', recovery_code: 'AAAAA-AAAAA' }, { mfa_token: 'x', code: '12345' }]) {
        expect((await api.post('/auth/mfa/verify', { body })).status).toBe(400);
      }
    });

    it('records the second factor in the audit trail: failures, a recovery code spent, the login', async () => {
      const { user, password, secret, step, recoveryCodes } = await enrolled(api);
      await api.post('/auth/mfa/verify', { body: { mfa_token: await mfaToken(api, user.email, password), code: codeAt(secret, step + 9) } });
      await api.post('/auth/mfa/verify', { body: { mfa_token: await mfaToken(api, user.email, password), recovery_code: recoveryCodes[3] } });
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const trail = await api.get(`/api/audit?user_id=${user.id}&limit=100`, { token: admin });
      const actions = trail.body.data.map((event: { action: string }) => event.action).reverse();
      expect(actions).toEqual(expect.arrayContaining(['mfa.totp_enabled', 'mfa.failed', 'mfa.recovery_code_used', 'login.succeeded']));
      const used = trail.body.data.find((event: { action: string }) => event.action === 'mfa.recovery_code_used');
      expect(used.details).toEqual({ recovery_codes_left: 9 });
      // Never a secret or a code in the trail.
      const text = JSON.stringify(trail.body);
      expect(text).not.toContain(recoveryCodes[3]);
      expect(text).not.toContain(secret.toString('base64url'));
    });
  });

  describe('a password reset', () => {
    const mailed = useMailedApp();

    it('sets a new password but keeps the second factor: a reset link is not one', async () => {
      const { user, secret, step } = await enrolled(mailed.api);
      await mailed.api.post('/auth/password/forgot', { body: { email: user.email } });
      const token = mailed.sink().linkToken(await mailed.sink().nextMail(user.email, 'Reset your password'));
      expect((await mailed.api.post('/auth/password/reset', { body: { token, new_password: 'a new password after the reset' } })).status).toBe(204);
      const waiting = await mfaToken(mailed.api, user.email, 'a new password after the reset');
      expect((await mailed.api.post('/auth/mfa/verify', { body: { mfa_token: waiting, code: codeAt(secret, step + 1) } })).status).toBe(200);
    });
  });

  describe('guessing codes across many logins', () => {
    const guarded = useApp({ LOGIN_MAX_FAILURES: '8' });

    it('counts every wrong code toward the lockout: the right password then opens nothing', async () => {
      const { user, password, secret, step } = await enrolled(guarded.api);
      let wrongs = 0;
      const guess = async (mfa_token: string) =>
        guarded.api.post('/auth/mfa/verify', { body: { mfa_token, code: codeAt(secret, step + 20 + wrongs++) } });
      const first = await mfaToken(guarded.api, user.email, password);
      for (let i = 0; i < 5; i++) expect((await guess(first)).body.code).toBe('INVALID_MFA_CODE');
      const second = await mfaToken(guarded.api, user.email, password);
      for (let i = 0; i < 3; i++) expect((await guess(second)).body.code).toBe('INVALID_MFA_CODE');
      // Eight wrong codes: the name is locked, for the code and for the password.
      expect((await guarded.api.post('/auth/mfa/verify', { body: { mfa_token: second, code: codeAt(secret, step + 1) } })).body.code).toBe('ACCOUNT_LOCKED');
      const login = await guarded.api.post('/auth/login', { body: { email: user.email, password } });
      expect([login.status, login.body.code]).toEqual([429, 'ACCOUNT_LOCKED']);
    });
  });

  describe('turning it off', () => {
    it('needs a current code or a recovery code besides the re-authentication; then login answers tokens', async () => {
      const { token, user, password, secret, step } = await enrolled(api);
      expect((await api.delete('/users/mfa/totp', { token, body: {} })).status).toBe(400);
      const wrong = await api.delete('/users/mfa/totp', { token, body: { code: codeAt(secret, step + 7) } });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_MFA_CODE']);
      expect((await api.get('/users', { token })).body.mfa.totp).toBe(true);
      expect((await api.delete('/users/mfa/totp', { token, body: { code: codeAt(secret, step + 1) } })).status).toBe(204);
      expect((await api.get('/users', { token })).body.mfa).toEqual({ totp: false, passkeys: 0 });
      expect((await api.post('/auth/login', { body: { email: user.email, password } })).body.access_token).toEqual(expect.any(String));
      expect(await sql('SELECT 1 FROM recovery_codes WHERE user_id = $1', [user.id])).toEqual([]);
      expect((await api.delete('/users/mfa/totp', { token, body: { code: '123456' } })).body.code).toBe('MFA_NOT_ENABLED');
    });

    it('replaces the recovery codes: the old ones stop working', async () => {
      const { token, user, password, recoveryCodes } = await enrolled(api);
      const replaced = await api.post('/users/mfa/recovery-codes', { token, body: {} });
      expect(replaced.status).toBe(200);
      expect(replaced.body.recovery_codes).toHaveLength(10);
      const old = await api.post('/auth/mfa/verify', { body: { mfa_token: await mfaToken(api, user.email, password), recovery_code: recoveryCodes[0] } });
      expect(old.body.code).toBe('INVALID_MFA_CODE');
      const fresh = await api.post('/auth/mfa/verify', {
        body: { mfa_token: await mfaToken(api, user.email, password), recovery_code: replaced.body.recovery_codes[0] },
      });
      expect(fresh.status).toBe(200);
    });

    it('lets an administrator remove every second factor, ending the user’s sessions', async () => {
      const { token, user, password } = await enrolled(api);
      const admin = await api.login(ADMIN.email, ADMIN.password);
      expect((await api.delete(`/api/users/${user.id}/mfa`, { token })).status).toBe(403);
      expect((await api.delete(`/api/users/${user.id}/mfa`, { token: admin })).status).toBe(204);
      expect((await api.get('/users', { token })).status).toBe(401);
      const login = await api.post('/auth/login', { body: { email: user.email, password } });
      expect(login.body.access_token).toEqual(expect.any(String));
      expect((await api.get('/users', { token: login.body.access_token })).body.mfa).toEqual({ totp: false, passkeys: 0 });
      expect((await api.delete('/api/users/2147483647/mfa', { token: admin })).status).toBe(404);
      const trail = await api.get(`/api/audit?user_id=${user.id}&action=admin.mfa_removed`, { token: admin });
      expect(trail.body.data).toHaveLength(1);
    });
  });
});
