import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { base64url, decode, hmacToken, now } from './hardening/support/attack-tokens';
import { expectEventually } from './support/eventually';
import { ADMIN, useApp } from './support/test-app';
import { signAsService, TEST_ES256_JWK, TEST_SIGNING_JWK } from './support/test-signing-key';

/**
 * Signing keys of the default kind: made at the first start, kept in the database (the private
 * part sealed), published as a JWKS, rotated and removed by an administrator. JWKS_MAX_AGE of one
 * second, so that a rotation's new key signs two seconds after it is published.
 */
describe('signing keys kept in the database, the JWKS and rotation', () => {
  const { api, testApp } = useApp({ JWT_PRIVATE_KEYS: '', JWKS_MAX_AGE: '1s', PUBLIC_URL: 'https://accounts.example.test' });
  const db = () => testApp().app.get(DataSource);
  let admin: string;

  const headerOf = (token: string) => decode(token).header as { alg: string; kid: string; typ: string };
  const jwks = async () => (await api.get('/.well-known/jwks.json')).body.keys as Array<Record<string, string>>;
  const signingKeys = async () => (await api.get('/api/signing-keys', { token: admin })).body as Array<Record<string, any>>;
  const status = async (token: string) => (await api.get('/users', { token })).status;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  it('signs with an Ed25519 key of its own, its kid (the RFC 7638 thumbprint) in every header, the key published alone', async () => {
    const { token } = await api.register();
    const header = headerOf(token);
    expect(header).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'at+jwt' });
    const keys = await jwks();
    expect(keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: header.kid, alg: 'EdDSA', use: 'sig' }]);
    expect(await calculateJwkThumbprint(keys[0] as never)).toBe(header.kid);
    expect(await status(token)).toBe(200);
  });

  it('keeps the private key sealed: the row holds no private JWK member and no PKCS #8 key in the clear', async () => {
    const rows = await db().query('SELECT kid, public_jwk, private_key FROM signing_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0].public_jwk).not.toHaveProperty('d');
    expect(rows[0].private_key).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    // PKCS #8 of Ed25519 begins with these bytes; sealed, they appear nowhere.
    const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex').toString('base64url').slice(0, 12);
    expect(rows[0].private_key).not.toContain(pkcs8Prefix);
  });

  it('serves the JWKS with Cache-Control of JWKS_MAX_AGE and an ETag; 304 for If-None-Match', async () => {
    const first = await api.get('/.well-known/jwks.json');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=1');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await api.get('/.well-known/jwks.json', { headers: { 'if-none-match': etag! } });
    expect([again.status, again.text]).toEqual([304, '']);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await api.get('/.well-known/jwks.json', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('serves the discovery document: issuer, jwks_uri on PUBLIC_URL, the algorithm', async () => {
    const response = await api.get('/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=1');
    expect(response.body).toEqual({
      issuer: 'user-accounts',
      jwks_uri: 'https://accounts.example.test/.well-known/jwks.json',
      token_endpoint: 'https://accounts.example.test/auth/login',
      id_token_signing_alg_values_supported: ['EdDSA'],
      subject_types_supported: ['public'],
      claims_supported: expect.arrayContaining(['sub', 'sid', 'amr', 'auth_time', 'email_verified']),
    });
    const etag = response.headers.get('etag')!;
    expect((await api.get('/.well-known/openid-configuration', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('lets only an administrator list, rotate or remove keys', async () => {
    const { token } = await api.register();
    for (const [method, path] of [
      ['get', '/api/signing-keys'],
      ['post', '/api/signing-keys/rotate'],
      ['delete', '/api/signing-keys/some-kid'],
    ] as const) {
      expect((await api[method](path, { token, body: method === 'post' ? {} : undefined })).status).toBe(403);
      expect((await api[method](path, { body: method === 'post' ? {} : undefined })).status).toBe(401);
    }
    expect(await db().query('SELECT count(*)::int AS count FROM signing_keys')).toEqual([{ count: 1 }]);
  });

  describe('a rotation', () => {
    let oldKid: string;
    let before: string;
    let next: Record<string, any>;

    it('publishes the next key at once, signing 2 × JWKS_MAX_AGE later; the old one still signs meanwhile', async () => {
      before = (await api.register()).token;
      oldKid = headerOf(before).kid;
      const etag = (await api.get('/.well-known/jwks.json')).headers.get('etag');
      const started = Date.now();
      const rotated = await api.post('/api/signing-keys/rotate', { token: admin, body: {} });
      expect(rotated.status).toBe(201);
      next = rotated.body;
      expect(next).toMatchObject({ algorithm: 'EdDSA', status: 'next', source: 'database', retires_at: null });
      expect(next.public_jwk).not.toHaveProperty('d');
      const signsIn = Date.parse(next.signs_from) - started;
      expect(signsIn).toBeGreaterThan(1_000);
      expect(signsIn).toBeLessThan(3_500);
      // Published: the JWKS names both, the signing key first, and has another ETag.
      const published = await api.get('/.well-known/jwks.json');
      expect(published.body.keys.map((key: { kid: string }) => key.kid)).toEqual([oldKid, next.kid]);
      expect(published.headers.get('etag')).not.toBe(etag);
      // Not signing yet.
      expect(headerOf((await api.register()).token).kid).toBe(oldKid);
      const listed = await signingKeys();
      expect(listed.map((key) => [key.kid, key.status])).toEqual([
        [oldKid, 'signing'],
        [next.kid, 'next'],
      ]);
      // The old key retires once the longest token it can still sign has expired: 15 minutes, and a margin.
      const retiresIn = Date.parse(listed[0].retires_at) - Date.parse(next.signs_from);
      expect(retiresIn).toBeGreaterThanOrEqual(900_000);
      expect(retiresIn).toBeLessThan(960_000);
    });

    it('refuses a second rotation while the next key waits, naming it', async () => {
      const again = await api.post('/api/signing-keys/rotate', { token: admin, body: {} });
      expect([again.status, again.body.code, again.body.kid]).toEqual([409, 'ROTATION_PENDING', next.kid]);
      expect(await db().query('SELECT count(*)::int AS count FROM signing_keys')).toEqual([{ count: 2 }]);
    });

    it('signs with the new key from its time on; tokens of the old one still work', async () => {
      await expectEventually(async () => expect(headerOf((await api.register()).token).kid).toBe(next.kid), { timeoutMs: 5_000 });
      expect(await status(before)).toBe(200);
      expect((await signingKeys()).map((key) => [key.kid, key.status])).toEqual([
        [next.kid, 'signing'],
        [oldKid, 'retiring'],
      ]);
      expect((await jwks()).map((key) => key.kid)).toEqual([next.kid, oldKid]);
    });

    it('is in the audit trail, with the administrator, both kids and nothing private', async () => {
      const rows = await db().query(`SELECT actor_id, user_id, details FROM audit_events WHERE action = 'signing_key.rotated'`);
      expect(rows).toEqual([{ actor_id: expect.any(Number), user_id: null, details: expect.objectContaining({ kid: next.kid, previous_kid: oldKid, retiring: [oldKid], immediate: false }) }]);
      expect(JSON.stringify(rows)).not.toMatch(/"d"|v1\./);
    });

    it('refuses to remove the key that signs, or one that does not exist', async () => {
      const signing = await api.delete(`/api/signing-keys/${next.kid}`, { token: admin });
      expect([signing.status, signing.body.code]).toEqual([409, 'SIGNING_KEY_IN_USE']);
      for (const kid of ['unknown-kid', '..%2F..%2Fetc', 'x'.repeat(65)]) {
        const response = await api.delete(`/api/signing-keys/${kid}`, { token: admin });
        expect([kid, response.status, response.body.code]).toEqual([kid, 404, 'SIGNING_KEY_NOT_FOUND']);
      }
    });

    it('removes the old key: its tokens are refused at once (though verified before), the JWKS drops it, the audit has it', async () => {
      expect(await status(before)).toBe(200);
      const removed = await api.delete(`/api/signing-keys/${oldKid}`, { token: admin });
      expect(removed.status).toBe(204);
      expect(await status(before)).toBe(401);
      expect((await jwks()).map((key) => key.kid)).toEqual([next.kid]);
      const rows = await db().query(`SELECT details FROM audit_events WHERE action = 'signing_key.removed'`);
      expect(rows).toEqual([{ details: { kid: oldKid } }]);
      // The administrator's own token was of that key too: a new login.
      expect(await status(admin)).toBe(401);
      admin = await api.login(ADMIN.email, ADMIN.password);
    });
  });

  it('retires a key at its time: past retires_at its tokens are refused and the JWKS drops it', async () => {
    const { token: older } = await api.register();
    const rotated = await api.post('/api/signing-keys/rotate', { token: admin, body: { immediate: true } });
    expect([rotated.status, rotated.body.status]).toEqual([201, 'signing']);
    const { token } = await api.register();
    expect(headerOf(token).kid).toBe(rotated.body.kid);
    const retiring = (await signingKeys()).find((key) => key.kid === headerOf(older).kid)!;
    expect(retiring.status).toBe('retiring');
    expect(await status(older)).toBe(200);
    // As if its time had come: the instance reloads its keys within half of JWKS_MAX_AGE.
    await db().query(`UPDATE signing_keys SET retires_at = now() - interval '1 second' WHERE kid = $1`, [retiring.kid]);
    await expectEventually(async () => expect(await status(older)).toBe(401), { timeoutMs: 3_000 });
    expect((await jwks()).map((key) => key.kid)).toEqual([rotated.body.kid]);
    expect(await status(token)).toBe(200);
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  it('answers a bad rotation body with 400 and changes nothing', async () => {
    const count = async () => (await db().query('SELECT count(*)::int AS count FROM signing_keys'))[0].count;
    const before = await count();
    for (const body of [{ immediate: 'yes' }, { immediate: true, extra: 1 }, []]) {
      const response = await api.post('/api/signing-keys/rotate', { token: admin, body });
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
    }
    expect(await count()).toBe(before);
  });

  it('answers no 401 to live tokens while a rotation takes effect under load', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, async () => (await api.register()).token));
    const statuses: Record<number, number> = {};
    const kids = new Set<string>();
    const deadline = Date.now() + 4_000;
    let rotatedAt = 0;
    // Eight callers on the tokens of now, and a ninth adding a fresh login's token every 100 ms.
    const callers = Array.from({ length: 8 }, async (_, i) => {
      while (Date.now() < deadline) {
        const token = tokens[(i + Math.floor(Math.random() * tokens.length)) % tokens.length];
        const response = await api.get('/users', { token });
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    });
    const logins = (async () => {
      while (Date.now() < deadline) {
        const { token } = await api.register();
        kids.add(headerOf(token).kid);
        tokens.push(token);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const rotation = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rotated = await api.post('/api/signing-keys/rotate', { token: admin, body: {} });
      expect(rotated.status).toBe(201);
      rotatedAt = Date.now();
    })();
    await Promise.all([...callers, logins, rotation]);
    // The new key began to sign during the run, and every answer was a 200.
    expect(rotatedAt).toBeGreaterThan(0);
    expect(kids.size).toBe(2);
    expect(Object.keys(statuses)).toEqual(['200']);
    expect(statuses[200]).toBeGreaterThan(100);
  });

  describe('forged tokens, each refused with 401', () => {
    let claims: Record<string, unknown>;
    let kid: string;
    let publicJwk: Record<string, string>;

    beforeAll(async () => {
      const { token } = await api.register();
      ({ payload: claims } = decode(token));
      claims = { ...claims, iat: now(), exp: now() + 600 };
      kid = headerOf(token).kid;
      publicJwk = (await jwks()).find((key) => key.kid === kid)!;
    });

    const stranger = generateKeyPairSync('ed25519').privateKey;
    const signed = (header: Record<string, unknown>, key = stranger) => {
      const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
    };

    it.each([
      ['alg none under the real kid', () => `${base64url(JSON.stringify({ alg: 'none', kid }))}.${base64url(JSON.stringify(claims))}.`],
      ['HS256 keyed with the public key (its x)', () => hmacToken({ alg: 'HS256', kid }, claims, publicJwk.x)],
      ['HS256 keyed with the public JWK as JSON', () => hmacToken({ alg: 'HS256', kid }, claims, JSON.stringify(publicJwk))],
      [
        'HS256 keyed with the public key as PEM',
        () => hmacToken({ alg: 'HS256', kid }, claims, createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })),
      ],
      ['another key under the real kid', () => signed({ alg: 'EdDSA', kid })],
      ['another key under its own kid', () => signed({ alg: 'EdDSA', kid: 'x'.repeat(43) })],
      ['another key without a kid', () => signed({ alg: 'EdDSA' })],
      ['another key embedded in the header (jwk)', () => signed({ alg: 'EdDSA', jwk: createPublicKey(stranger).export({ format: 'jwk' }) })],
      ['another key named by a URL (jku)', () => signed({ alg: 'EdDSA', kid, jku: 'https://attacker.example/jwks.json' })],
      ['ES256 under the EdDSA kid', () => signed({ alg: 'ES256', kid })],
    ])('%s', async (_label, make) => {
      const response = await api.get('/users', { headers: { authorization: `Bearer ${make()}` } });
      expect([response.status, response.body.code]).toEqual([401, 'UNAUTHORIZED']);
    });

    it('while the real token of those claims is accepted (the control)', async () => {
      const { token } = await api.register();
      expect(await status(token)).toBe(200);
    });
  });
});


/** Each describe below starts its application after the one above has closed: passport's one `jwt` strategy is its own. */
describe('ES256 keys kept in the database (JWT_ALGORITHM=ES256)', () => {
  const { api } = useApp({ JWT_PRIVATE_KEYS: '', JWT_ALGORITHM: 'ES256' });

  it('signs with a P-256 key it made, publishes it, and a verifier with the JWKS alone accepts its tokens', async () => {
    const { token } = await api.register();
    const { header } = decode(token);
    expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'at+jwt' });
    const jwks = (await api.get('/.well-known/jwks.json')).body;
    expect(jwks.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: header.kid, alg: 'ES256', use: 'sig' }]);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'], issuer: 'user-accounts', audience: 'user-accounts' });
    expect(payload.sid).toEqual(expect.any(String));
    expect((await api.get('/.well-known/openid-configuration')).body.id_token_signing_alg_values_supported).toEqual(['ES256']);
    expect((await api.get('/users', { token })).status).toBe(200);
  });
});

describe('keys of JWT_PRIVATE_KEYS', () => {
  const { api } = useApp({ JWT_PRIVATE_KEYS: JSON.stringify([TEST_SIGNING_JWK, { ...TEST_ES256_JWK, kid: 'next-es256' }]) });

  it('signs with the first, publishes both, and leaves their rotation to the configuration', async () => {
    const { token } = await api.register();
    expect(decode(token).header).toMatchObject({ alg: 'EdDSA', kid: TEST_SIGNING_JWK.kid });
    const keys = (await api.get('/.well-known/jwks.json')).body.keys;
    expect(keys.map((key: { kid: string; alg: string }) => [key.kid, key.alg])).toEqual([
      [TEST_SIGNING_JWK.kid, 'EdDSA'],
      ['next-es256', 'ES256'],
    ]);
    expect(JSON.stringify(keys)).not.toContain(TEST_SIGNING_JWK.d);
    // A token of the second key verifies too: the next step of a rotation by configuration.
    const claims = { ...decode(token).payload, iat: now(), exp: now() + 600 };
    const second = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'next-es256' }).sign(createPrivateKey({ key: TEST_ES256_JWK, format: 'jwk' }));
    expect((await api.get('/users', { token: second })).status).toBe(200);
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const listed = (await api.get('/api/signing-keys', { token: admin })).body;
    expect(listed.map((key: { kid: string; status: string; source: string }) => [key.kid, key.status, key.source])).toEqual([
      [TEST_SIGNING_JWK.kid, 'signing', 'configuration'],
      ['next-es256', 'next', 'configuration'],
    ]);
    for (const response of [await api.post('/api/signing-keys/rotate', { token: admin, body: {} }), await api.delete('/api/signing-keys/next-es256', { token: admin })]) {
      expect([response.status, response.body.code]).toEqual([409, 'SIGNING_KEYS_CONFIGURED']);
    }
  });
});

describe('HS256 (JWT_ALGORITHM=HS256 with JWT_SECRET)', () => {
  const { api } = useApp({ JWT_PRIVATE_KEYS: '', JWT_ALGORITHM: 'HS256' });

  it('signs with the secret, no kid; publishes no key; rotation is the configuration’s', async () => {
    const { token } = await api.register();
    expect(decode(token).header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect((await api.get('/users', { token })).status).toBe(200);
    expect((await api.get('/.well-known/jwks.json')).body).toEqual({ keys: [] });
    expect((await api.get('/.well-known/openid-configuration')).body.id_token_signing_alg_values_supported).toEqual(['HS256']);
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const rotated = await api.post('/api/signing-keys/rotate', { token: admin, body: {} });
    expect([rotated.status, rotated.body.code]).toEqual([409, 'SIGNING_KEYS_CONFIGURED']);
    // An EdDSA token of the tests' key, which signs nothing here, is refused.
    expect((await api.get('/users', { token: await signAsService({ ...decode(token).payload }) })).status).toBe(401);
  });
});
