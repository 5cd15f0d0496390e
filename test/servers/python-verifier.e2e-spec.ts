import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { decode, hmacToken } from '../hardening/support/attack-tokens';
import { expectEventually } from '../support/eventually';
import { LineProcess } from '../support/line-process';
import { ADMIN, useApp } from '../support/test-app';

/** docs/api.md's Python example, run as it is written: Debian's python3 with python3-jwt (PyJWT) and python3-cryptography. */
const PYTHON = '/usr/bin/python3';
const VERIFIER = join(__dirname, '..', 'support', 'jwks_verifier.py');

/**
 * A service in Python checks this one's tokens with PyJWT's PyJWKClient on the JWKS URL alone
 * (test/support/jwks_verifier.py, the example of docs/api.md): a real token, another audience, a
 * forgery, and a removed key once its cached key set has expired.
 */
describe('a Python verifier with PyJWT and nothing but the JWKS', () => {
  const { api, testApp } = useApp({ JWT_PRIVATE_KEYS: '', JWKS_MAX_AGE: '1s' });
  const verifiers: LineProcess[] = [];
  const pythonFor = (audience: string) => {
    const verifier = new LineProcess(PYTHON, [VERIFIER, `${api.baseUrl}/.well-known/jwks.json`, audience]);
    verifiers.push(verifier);
    return verifier;
  };

  afterAll(() => {
    for (const verifier of verifiers) verifier.stop();
  });

  it('verifies a token of the service, refuses it for another audience, and refuses HS256 made with the public key', async () => {
    const python = pythonFor('user-accounts');
    const { token, user } = await api.register();
    expect(await python.ask(token)).toEqual({ ok: true, user_id: user.id, session_id: decode(token).payload.sid });
    expect(await pythonFor('billing').ask(token)).toEqual({ ok: false, error: 'InvalidAudienceError' });
    const { kid } = decode(token).header;
    const x = (await api.get('/.well-known/jwks.json')).body.keys[0].x;
    for (const forged of [hmacToken({ alg: 'HS256', kid }, decode(token).payload, x), `${token.slice(0, token.lastIndexOf('.'))}.`]) {
      expect((await python.ask(forged)).ok).toBe(false);
    }
  });

  it('refuses a removed key’s token once its cached key set has expired', async () => {
    const python = pythonFor('user-accounts');
    const { token } = await api.register();
    expect((await python.ask(token)).ok).toBe(true);
    const admin = await api.login(ADMIN.email, ADMIN.password);
    expect((await api.post('/api/signing-keys/rotate', { token: admin, body: { immediate: true } })).status).toBe(201);
    expect((await api.delete(`/api/signing-keys/${decode(token).header.kid}`, { token: admin })).status).toBe(204);
    await expectEventually(async () => expect(await python.ask(token)).toEqual({ ok: false, error: 'PyJWKClientError' }), { timeoutMs: 5_000 });
    expect((await python.ask((await api.register()).token)).ok).toBe(true);
    expect(await testApp().app.get(DataSource).query('SELECT count(*)::int AS count FROM signing_keys')).toEqual([{ count: 1 }]);
  });
});
