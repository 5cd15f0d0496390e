import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { connectRedis } from './redis-connection';

/** The shared Redis connection when REDIS_URL is set; null otherwise (state stays in memory). */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      // Redis named but unreachable at start-up: the service does not start half-configured.
      // Later, callers answer 503 while it is away; the client reconnects by itself.
      useFactory: (config: AppConfig): Promise<Redis> | null =>
        config.redisUrl ? connectRedis(config.redisUrl, new Logger('Redis')) : null,
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
