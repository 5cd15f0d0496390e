import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../src/config/app-config';
import type { ApiClient, ApiResponse } from '../support/api-client';
import { withPgClient } from '../support/pg-client';
import { PrivatePostgres } from '../support/private-postgres';
import { expectNoSecrets } from '../support/secrets';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';

/** How fast a request that needs the database must fail while it is down. */
const FAIL_FAST_MS = 2000;
/** How long the service may take to notice that the database is back. */
const HEAL_WITHIN_MS = 15_000;
/** When a request counts as hung rather than slow. */
const HUNG_MS = 10_000;

/**
 * The service on a PostgreSQL cluster of this file's own (whatever TEST_DATABASE_URL says),
 * which the test stops and starts under it.
 */
describe('a database outage', () => {
  let cluster: PrivatePostgres | undefined;
  let testApp: TestApp | undefined;
  let api: ApiClient;
  let user: { id: number; email: string; password: string; token: string };
  let adminToken: string;
  const timings: Record<string, number | number[] | Record<string, number>> = {};

  /** One request and how long it took, in ms; a hung request fails the test with its name. */
  async function timed(name: string, run: () => Promise<ApiResponse>): Promise<[ApiResponse, number]> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not answer within ${HUNG_MS} ms`)), HUNG_MS);
    });
    try {
      const response = await Promise.race([run(), hung]);
      return [response, performance.now() - started];
    } finally {
      clearTimeout(timer);
    }
  }

  beforeAll(async () => {
    cluster = new PrivatePostgres();
    const created = await cluster.create();
    timings.initdb = Math.round(created.initdb);
    timings.firstStart = Math.round(created.start);
    testApp = await startTestApp({ DATABASE_URL: cluster.url });
    api = testApp.api;
    const registered = await api.register({ email: 'outage@example.com', name: 'Before Outage' });
    user = { ...registered.user, password: registered.password, token: registered.token };
    adminToken = await api.login(ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    try {
      await testApp?.close();
    } finally {
      await cluster?.destroy();
    }
    if (process.env.OUTAGE_TIMINGS) console.log(`outage timings (ms): ${JSON.stringify(timings)}`);
  }, 60_000);

  it('runs on the private cluster, not on the database startTestApp made', async () => {
    expect(testApp!.app.get(AppConfig).database.url).toBe(cluster!.url);
    await withPgClient(cluster!.url, async (client) => {
      const { rows } = await client.query('SELECT id FROM users WHERE email = $1', [user.email]);
      expect(rows).toEqual([{ id: expect.anything() }]);
    });
  });

  it('answers 503 SERVICE_UNAVAILABLE fast while the database is down, and heals by itself', async () => {
    timings.stop = Math.round(await cluster!.stop());

    const whileDown: Array<[string, () => Promise<ApiResponse>]> = [
      ['GET /users', () => api.get('/users', { token: user.token })],
      ['PUT /users', () => api.put('/users', { token: user.token, body: { name: 'During Outage' } })],
      ['POST /auth/login', () => api.post('/auth/login', { body: { email: user.email, password: user.password } })],
      ['POST /auth/register', () => api.post('/auth/register', {
        body: { email: 'newcomer@example.com', password: 'newcomer-password-1', name: 'Newcomer' },
      })],
      ['GET /health/ready', () => api.get('/health/ready')],
      ['GET /api/users', () => api.get('/api/users', { token: adminToken })],
      // A second round: the pool's dead connections are gone by now, new ones are refused.
      ['GET /users again', () => api.get('/users', { token: user.token })],
      ['GET /api/users/:id', () => api.get(`/api/users/${user.id}`, { token: adminToken })],
    ];
    const latencies: Record<string, number> = {};
    for (const [name, request] of whileDown) {
      const [response, ms] = await timed(name, request);
      latencies[name] = Math.round(ms);
      expect({ name, status: response.status, text: response.text }).toMatchObject({ name, status: 503 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      for (const driverText of ['ECONNREFUSED', 'connect', 'terminated', String(cluster!.port), '127.0.0.1']) {
        expect(response.text.toLowerCase()).not.toContain(driverText.toLowerCase());
      }
      expect({ name, ms, fast: ms < FAIL_FAST_MS }).toMatchObject({ name, fast: true });
    }
    timings.latencies503 = latencies;
    // The process itself lives.
    const live = await api.get('/health');
    expect(live.status).toBe(200);

    timings.restart = Math.round(await cluster!.start());
    const restarted = performance.now();
    let healed: ApiResponse | undefined;
    while (performance.now() - restarted < HEAL_WITHIN_MS) {
      const response = await api.get('/users', { token: user.token });
      if (response.status === 200) {
        healed = response;
        break;
      }
      expect(response.status).toBe(503);
      await sleep(200);
    }
    timings.heal = Math.round(performance.now() - restarted);
    expect(healed?.body).toMatchObject({ id: user.id, email: user.email, name: 'Before Outage' });

    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    const written = await api.put('/users', { token: user.token, body: { name: 'After Outage' } });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ id: user.id, name: 'After Outage' });
    const readBack = await api.get('/users', { token: user.token });
    expect(readBack.body).toMatchObject({ id: user.id, name: 'After Outage' });
    // Nothing written while the database was down.
    const newcomer = await api.post('/auth/login', {
      body: { email: 'newcomer@example.com', password: 'newcomer-password-1' },
    });
    expect(newcomer.status).toBe(401);
  }, 60_000);

  it('never answered 500 nor leaked a secret', () => {
    expect(api.seen.filter(({ status }) => status >= 500 && status !== 503)).toEqual([]);
    expectNoSecrets(api);
  });
});
