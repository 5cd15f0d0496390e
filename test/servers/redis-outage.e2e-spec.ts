import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { ApiClient, ApiResponse } from '../support/api-client';
import { expectEventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { PrivateRedis } from '../support/private-redis';
import { expectNoSecrets } from '../support/secrets';
import { serviceOnFreePort, ServiceProcess } from '../support/service-process';
import { TEST_JWT_SECRET } from '../support/test-app';
import { createTestDatabase, onPostgresServer, TestDatabase } from '../support/test-database';

/** Longer than several reconnect attempts (100, 200, 400, 800, 1600 ms, then the cap). */
const OUTAGE_MS = 4000;
/** How long the service may take to notice that Redis is back (the reconnect cap is 3 s). */
const HEAL_WITHIN_MS = 10_000;
/** Whatever a readiness answer must not name: the host, the port, the driver or its errors. */
const INTERNALS = (port: number) => new RegExp(`ECONNREFUSED|ioredis|redis|127\\.0\\.0\\.1|\\b${port}\\b|Stream|offline`, 'i');

/** The service's JSON log lines from the Redis connection (context "Redis"). */
function redisLines(output: string): { level: number; msg: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.context === 'Redis');
}

describe(`a Redis outage under a running service (${onPostgresServer ? 'PostgreSQL' : 'PGlite'})`, () => {
  const redis = new PrivateRedis();
  let database: TestDatabase;
  let service: ServiceProcess;
  const api = new ApiClient();

  /** GET /health/ready and how long it took, in ms. */
  async function ready(): Promise<[ApiResponse, number]> {
    const started = performance.now();
    const response = await api.get('/health/ready');
    return [response, performance.now() - started];
  }

  beforeAll(async () => {
    [database] = await Promise.all([createTestDatabase(), redis.start()]);
    service = await serviceOnFreePort({ ...database.env, REDIS_URL: redis.url, LOG_LEVEL: 'info' });
    await service.start();
    api.baseUrl = service.url;
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await redis.stop();
    await database?.drop();
    expectNoSecrets(api);
    expect(api.contractViolations).toEqual([]);
  });

  it('is ready, with Redis up beside the database, while Redis answers', async () => {
    const [response] = await ready();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
      error: {},
    });
    expect(redisLines(service.output)).toEqual([]);
  });

  it('is not ready while Redis is away: 503 at once, naming no host, port or driver error', async () => {
    await redis.stop();
    // Asked all through an outage of a few seconds, from its first moment on.
    const answers: [ApiResponse, number][] = [];
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      answers.push(await ready());
      await sleep(250);
    }
    expect(answers.length).toBeGreaterThan(5);
    for (const [response, ms] of answers) {
      expect(ms).toBeLessThan(2000);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(response.body.detail).toBe('The shared rate-limit store does not answer.');
      expect(response.text).not.toMatch(INTERNALS(redis.port));
    }
    // Liveness does not depend on Redis.
    expect((await api.get('/health')).status).toBe(200);
  });

  it('is ready again by itself once Redis is back', async () => {
    // Restarted on its own port, as a restarted Redis is.
    await redis.start(redis.port);
    const deadline = Date.now() + HEAL_WITHIN_MS;
    let response = (await ready())[0];
    while (response.status !== 200 && Date.now() < deadline) {
      await sleep(100);
      response = (await ready())[0];
    }
    expect(response.status).toBe(200);
    expect(response.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    // The routes that need Redis work again too.
    expect((await api.post('/auth/refresh', { body: { refresh_token: 'nope' } })).status).toBe(401);
  });

  it('logged the outage once and its end once, not a line per reconnect attempt', async () => {
    // The log line goes through the service's logger and a pipe: it may reach the test a moment
    // after the readiness that came with it (a CI run under two lanes' load read it too early).
    await expectEventually(() =>
      expect(redisLines(service.output)).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/^Redis is away/) }),
        expect.objectContaining({ level: 30, msg: 'Redis is back' }),
      ]),
    );
    expect(service.output).not.toContain('[ioredis]');
  });
});

describe('a Redis named by REDIS_URL that does not answer at start-up', () => {
  it('stops the service with exit code 1, after one line saying why', async () => {
    const database = await createTestDatabase();
    const service = new ServiceProcess(await freePort(), {
      ...database.env,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
    });
    try {
      await expect(service.start()).rejects.toThrow(/the service exited/);
      expect(await service.stop()).toBe(1);
      // The application was never built, so Nest logs in its console format, not JSON.
      const plain = stripVTControlCharacters(service.output);
      expect(plain.match(/^.*\[Redis\].*$/gm)).toEqual([
        expect.stringMatching(/WARN \[Redis\] Redis is away: connect ECONNREFUSED/),
      ]);
    } finally {
      await service.stop('SIGKILL');
      await database.drop();
    }
  }, 60_000);
});
