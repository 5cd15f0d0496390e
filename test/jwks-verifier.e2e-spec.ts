import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { base64url, decode, hmacToken, now } from './hardening/support/attack-tokens';
import { expectEventually } from './support/eventually';
import { freePort } from './support/free-port';
import { LineProcess } from './support/line-process';
import { ADMIN, useApp } from './support/test-app';

/**
 * Another service checks this one's tokens with nothing but its address: a process of its own
 * running jose's createRemoteJWKSet (test/support/jwks-verifier.mjs), as another team would
 * write it. Before and after a rotation, after a key's removal, and against forgeries.
 */
describe('a separate verifier with nothing but the JWKS', () => {
  let port = 0;
  // Before the app starts: its PUBLIC_URL, which the discovery document's jwks_uri is made of, names the port.
  beforeAll(async () => {
    port = await freePort();
  });
  const { api, testApp } = useApp(() => ({ JWT_PRIVATE_KEYS: '', JWKS_MAX_AGE: '1s', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }));
  let verifier: LineProcess;
  let admin: string;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
    // The verifiers keep the JWKS one second, as the service's Cache-Control says.
    verifier = new LineProcess(process.execPath, [join(__dirname, 'support', 'jwks-verifier.mjs'), api.baseUrl, 'user-accounts', '1000']);
  });

  afterAll(() => {
    verifier?.stop();
  });

  /** What the Node verifier says of `token`. */
  const verify = (token: string): Promise<{ ok: boolean; sub?: string; kid?: string; code?: string }> => verifier.ask(token);

  const kidOf = (token: string) => decode(token).header.kid as string;
  const status = async (token: string) => (await api.get('/users', { token })).status;
  let before: { token: string; sub: string };

  it('verifies a token of the service', async () => {
    const { token, user } = await api.register();
    before = { token, sub: String(user.id) };
    expect(await verify(token)).toEqual({ ok: true, sub: before.sub, kid: kidOf(token) });
  });

  it('verifies tokens issued before and after a rotation, the service too', async () => {
    const rotated = await api.post('/api/signing-keys/rotate', { token: admin, body: {} });
    expect(rotated.status).toBe(201);
    // Published, not yet signing: the old key's tokens still verify.
    expect((await verify(before.token)).ok).toBe(true);
    let after = '';
    await expectEventually(async () => {
      after = (await api.register()).token;
      expect(kidOf(after)).toBe(rotated.body.kid);
    }, { timeoutMs: 5_000 });
    expect(await verify(after)).toMatchObject({ ok: true, kid: rotated.body.kid });
    expect(await verify(before.token)).toEqual({ ok: true, sub: before.sub, kid: kidOf(before.token) });
    expect([await status(before.token), await status(after)]).toEqual([200, 200]);
  });

  it("refuses the tokens of a removed key once its cached JWKS has expired, as the service does at once", async () => {
    const removed = await api.delete(`/api/signing-keys/${kidOf(before.token)}`, { token: admin });
    expect(removed.status).toBe(204);
    expect(await status(before.token)).toBe(401);
    await expectEventually(async () => expect(await verify(before.token)).toMatchObject({ ok: false, code: 'ERR_JWKS_NO_MATCHING_KEY' }), { timeoutMs: 5_000 });
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  it('refuses the tokens of a key retired at its time, once the JWKS no longer has it', async () => {
    const { token } = await api.register();
    expect((await api.post('/api/signing-keys/rotate', { token: admin, body: { immediate: true } })).status).toBe(201);
    expect((await verify(token)).ok).toBe(true);
    // As if the longest token of the key had expired: its retires_at has come.
    await testApp().app.get(DataSource).query(`UPDATE signing_keys SET retires_at = now() WHERE kid = $1`, [kidOf(token)]);
    await expectEventually(async () => expect(await status(token)).toBe(401), { timeoutMs: 3_000 });
    await expectEventually(async () => expect(await verify(token)).toMatchObject({ ok: false, code: 'ERR_JWKS_NO_MATCHING_KEY' }), { timeoutMs: 5_000 });
    expect((await verify((await api.register()).token)).ok).toBe(true);
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  describe('forgeries, which the verifier and the service both refuse', () => {
    let claims: Record<string, unknown>;
    let kid: string;
    let x: string;
    const stranger = generateKeyPairSync('ed25519');

    beforeAll(async () => {
      const { token } = await api.register();
      claims = { ...decode(token).payload, iat: now(), exp: now() + 600 };
      kid = kidOf(token);
      x = (await api.get('/.well-known/jwks.json')).body.keys.find((key: { kid: string }) => key.kid === kid).x;
    });

    const strangerSigned = (header: Record<string, unknown>) => {
      const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      return `${input}.${sign(null, Buffer.from(input), stranger.privateKey).toString('base64url')}`;
    };

    it.each([
      ['alg none', () => `${base64url(JSON.stringify({ alg: 'none', kid }))}.${base64url(JSON.stringify(claims))}.`],
      ['HS256 keyed with the public key (key confusion)', () => hmacToken({ alg: 'HS256', kid }, claims, x)],
      ['HS256 keyed with the public key, decoded', () => hmacToken({ alg: 'HS256', kid }, claims, Buffer.from(x, 'base64url'))],
      ['a kid the JWKS does not have', () => strangerSigned({ alg: 'EdDSA', kid: 'no-such-kid' })],
      ['a key not in the JWKS, under the real kid', () => strangerSigned({ alg: 'EdDSA', kid })],
    ])('%s', async (_label, make) => {
      const forged = make();
      expect((await verify(forged)).ok).toBe(false);
      expect(await status(forged)).toBe(401);
    });
  });
});

