import Redis from 'ioredis';
import { RedisLoginAttempts } from '../../src/auth/lockout/redis-login-attempts';
import { ATTEMPTS_CONFIG, behavesAsLoginAttempts } from '../support/login-attempts-behaviour';
import { PrivateRedis } from '../support/private-redis';

/** The lockout's counts in a real Redis: the same behaviour as in memory, each step one script. */
describe('RedisLoginAttempts', () => {
  const server = new PrivateRedis();
  let redis: Redis;
  beforeAll(async () => {
    await server.start();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  behavesAsLoginAttempts(async () => {
    await redis.flushall();
    return new RedisLoginAttempts(redis, ATTEMPTS_CONFIG);
  });

  it('keeps one hash a name, which expires with the lockout window', async () => {
    await redis.flushall();
    const attempts = new RedisLoginAttempts(redis, ATTEMPTS_CONFIG);
    await (await attempts.begin(['Jane'], '198.51.100.1')).failed();
    expect(await redis.keys('*')).toEqual(['accounts:login:jane']);
    const ttl = await redis.pttl('accounts:login:jane');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });
});
