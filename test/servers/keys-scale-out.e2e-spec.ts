import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { decode } from '../hardening/support/attack-tokens';
import { ApiClient } from '../support/api-client';
import { expectEventually } from '../support/eventually';
import { PrivatePostgres } from '../support/private-postgres';
import { SERVICE_ARGS, ServiceInstances } from '../support/service-process';
import { ADMIN } from '../support/test-app';

/**
 * Two instances on one database: the signing key made once though both start at once on an empty
 * table, and a rotation or removal on one honoured by the other in time (JWKS_MAX_AGE of 2 s: each
 * reloads its keys every second; a new key signs 4 s after it is published).
 */
describe('signing keys shared by two instances on one database', () => {
  const postgres = new PrivatePostgres();
  const instances = new ServiceInstances();
  const { clients } = instances;
  const kidOf = (token: string) => decode(token).header.kid as string;
  const kidsOf = async (client: ApiClient) => (await client.get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);

  beforeAll(async () => {
    await postgres.create();
    const env = { DATABASE_URL: postgres.url, LOG_LEVEL: 'warn', RATE_LIMIT_AUTH_PER_MINUTE: '100000', JWKS_MAX_AGE: '2s', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
    await instances.start(env);
  }, 120_000);

  afterAll(async () => {
    await instances.stop();
    await postgres.destroy();
    instances.expectNoSecrets();
  });

  it('made one key though both started at once on an empty table: the same kid, the same JWKS, each accepting the other’s tokens', async () => {
    const [a, b] = clients;
    const [fromA, fromB] = [(await a.register()).token, (await b.register()).token];
    expect(kidOf(fromA)).toBe(kidOf(fromB));
    expect(await kidsOf(a)).toEqual([kidOf(fromA)]);
    const [jwksA, jwksB] = [await a.get('/.well-known/jwks.json'), await b.get('/.well-known/jwks.json')];
    expect(jwksA.headers.get('etag')).toBe(jwksB.headers.get('etag'));
    expect([(await b.get('/users', { token: fromA })).status, (await a.get('/users', { token: fromB })).status]).toEqual([200, 200]);
  });

  /** A token of the key before the rotation. */
  let old: string;

  it('publishes a rotation made on one on the other before the new key signs; both then sign with it, and old tokens live on', async () => {
    const [a, b] = clients;
    old = (await b.register()).token;
    const admin = await a.login(ADMIN.email, ADMIN.password);
    const rotated = await a.post('/api/signing-keys/rotate', { token: admin, body: {} });
    expect(rotated.status).toBe(201);
    const publishedAt = Date.now();
    await expectEventually(async () => expect(await kidsOf(b)).toEqual([kidOf(old), rotated.body.kid]), { timeoutMs: 3_000 });
    // B knew the key well before it began to sign.
    expect(Date.parse(rotated.body.signs_from) - Date.now()).toBeGreaterThan(1_000);
    expect(Date.now() - publishedAt).toBeLessThan(3_000);
    await expectEventually(async () => {
      expect(kidOf((await b.register()).token)).toBe(rotated.body.kid);
      expect(kidOf((await a.register()).token)).toBe(rotated.body.kid);
    }, { timeoutMs: 8_000, intervalMs: 250 });
    const fresh = (await b.register()).token;
    for (const client of [a, b]) {
      expect([(await client.get('/users', { token: old })).status, (await client.get('/users', { token: fresh })).status]).toEqual([200, 200]);
    }
  });

  it('refuses a removed key’s tokens on the other instance within its reload, though it had verified them', async () => {
    const [a, b] = clients;
    const admin = await a.login(ADMIN.email, ADMIN.password);
    expect((await b.get('/users', { token: old })).status).toBe(200);
    expect((await a.delete(`/api/signing-keys/${kidOf(old)}`, { token: admin })).status).toBe(204);
    expect((await a.get('/users', { token: old })).status).toBe(401);
    await expectEventually(async () => expect((await b.get('/users', { token: old })).status).toBe(401), { timeoutMs: 3_000 });
    expect(await kidsOf(b)).not.toContain(kidOf(old));
  });

  it('rotates from a shell: npm run keys:rotate publishes a key both instances then serve; a second run is refused while it waits', async () => {
    const rotate = () => runKeysRotate({ DATABASE_URL: postgres.url, PATH: process.env.PATH ?? '' });
    const first = await rotate();
    expect(first.code).toBe(0);
    const kid = /Published EdDSA key ([\w-]{43}):/.exec(first.stdout)?.[1];
    expect(kid).toEqual(expect.any(String));
    for (const client of clients) await expectEventually(async () => expect(await kidsOf(client)).toContain(kid), { timeoutMs: 3_000 });
    const second = await rotate();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`ROTATION_PENDING`);
    expect(second.stderr).toContain(kid);
    const admin = await clients[0].login(ADMIN.email, ADMIN.password);
    const audit = await clients[0].get('/api/audit?action=signing_key.rotated', { token: admin });
    expect(audit.body.data[0]).toMatchObject({ actor_id: null, details: expect.objectContaining({ kid }) });
  });
});

/** `npm run keys:rotate` as the sources run it (no build): its exit code and output. */
async function runKeysRotate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...SERVICE_ARGS.slice(0, -1), 'src/keys-rotate.ts'], { cwd: join(__dirname, '..', '..'), env, stdio: 'pipe' });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}
