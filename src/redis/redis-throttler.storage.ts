import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { inRedis } from './redis-unavailable';

/**
 * A fixed window per key, counted atomically: over the limit, the key is blocked for
 * blockDuration. Returns [hits, window ms left, blocked (0/1), block ms left].
 */
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]), 1, blocked}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, left, 1, tonumber(ARGV[3])}
end
return {hits, left, 0, 0}`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The throttler's counters in Redis, so that every instance behind one address counts alike. */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: Redis) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const prefix = `accounts:throttle:${throttlerName}:${key}`;
    const [totalHits, windowLeft, blocked, blockLeft] = (await inRedis(() =>
      this.redis.eval(INCREMENT, 2, `${prefix}:hits`, `${prefix}:block`, ttl, limit, blockDuration),
    )) as number[];
    return {
      totalHits,
      timeToExpire: Math.max(0, Math.ceil(windowLeft / 1000)),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.max(0, Math.ceil(blockLeft / 1000)),
    };
  }
}
