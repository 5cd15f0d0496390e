import { PrivatePostgres } from '../support/private-postgres';
import { PrivateRedis } from '../support/private-redis';
import { ServiceInstances } from '../support/service-process';

/**
 * Two instances of the service behind one address: one PostgreSQL database and one Redis of
 * the test's own. Whatever one instance decides, the other must honour.
 */
describe('two instances on one database and one Redis', () => {
  const postgres = new PrivatePostgres();
  const redis = new PrivateRedis();
  const instances = new ServiceInstances();
  const { clients } = instances;

  beforeAll(async () => {
    await Promise.all([postgres.create(), redis.start()]);
    const env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_AUTH_PER_MINUTE: '8',
      LOGIN_MAX_FAILURES: '3',
    };
    // Both start at once on an empty database: the migrations' advisory lock makes them take turns.
    await instances.start(env);
  }, 120_000);

  afterAll(async () => {
    await instances.stop();
    await Promise.all([postgres.destroy(), redis.stop()]);
    instances.expectNoSecrets();
  });

  it('ends a session everywhere when it logs out on one instance', async () => {
    const [a, b] = clients;
    const { token, refresh_token } = await a.register();
    expect((await b.get('/users', { token })).status).toBe(200);
    expect((await a.post('/auth/logout', { token })).status).toBe(204);
    expect((await b.get('/users', { token })).status).toBe(401);
    expect((await b.post('/auth/refresh', { body: { refresh_token } })).status).toBe(401);
  });

  it('locks an account on both after failures spread over both', async () => {
    const [a, b] = clients;
    const { user, password } = await b.register();
    const wrong = { email: user.email, password: 'not-the-password' };
    expect((await a.post('/auth/login', { body: wrong })).status).toBe(401);
    expect((await b.post('/auth/login', { body: wrong })).status).toBe(401);
    expect((await a.post('/auth/login', { body: wrong })).status).toBe(401);
    const locked = await b.post('/auth/login', { body: { email: user.email, password } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
  });

  it('enforces one rate limit per address across both', async () => {
    const [a, b] = clients;
    // The earlier tests used 7 of the minute's budget of 8, spread over both instances:
    // alternate until the shared counter says no.
    const statuses: number[] = [];
    for (let i = 0; i < 8 && !statuses.includes(429); i++) {
      const client = i % 2 === 0 ? a : b;
      statuses.push((await client.post('/auth/refresh', { body: { refresh_token: 'nope' } })).status);
    }
    expect(statuses).toContain(429);
    // One budget for both: counted per instance, eight more would have gone through.
    const served = statuses.filter((status) => status !== 429).length;
    expect(served).toBeLessThanOrEqual(1);
    const limited = await a.post('/auth/refresh', { body: { refresh_token: 'nope' } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await b.post('/auth/refresh', { body: { refresh_token: 'nope' } })).status).toBe(429);
  });

  it('answers 503 at once, not a hang or a 500, while Redis is away', async () => {
    await redis.stop();
    const started = performance.now();
    const response = await clients[0].post('/auth/login', { body: { email: 'a@example.com', password: 'password-1' } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(response.text).not.toMatch(/ECONNREFUSED|redis|6379/i);
    // Routes that do not need Redis go on; readiness, which checks Redis, does not.
    expect((await clients[1].get('/health')).status).toBe(200);
    const ready = await clients[1].get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(ready.text).not.toMatch(/ECONNREFUSED|redis|6379/i);
  });
});
