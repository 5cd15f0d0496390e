import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

/** Whether the shared Redis answers PING; only when REDIS_URL names one. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly indicators: HealthIndicatorService,
  ) {}

  get configured(): boolean {
    return this.redis !== null;
  }

  pingCheck<const Key extends string>(key: Key, timeoutMs: number) {
    const redis = this.redis;
    return this.indicators
      .check(key)
      .attempt(async () => {
        // While the client is reconnecting, PING is refused at once (no offline queue).
        if (!redis) throw new Error('REDIS_URL is not set');
        await redis.ping();
      })
      .withTimeout(timeoutMs);
  }
}
