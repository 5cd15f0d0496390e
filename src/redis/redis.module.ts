import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** The shared Redis connection when REDIS_URL is set; null otherwise (state stays in memory). */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<Redis | null> => {
        if (!config.redisUrl) return null;
        const redis = new Redis(config.redisUrl, {
          lazyConnect: true,
          // Fail fast while Redis is away (the caller answers 503) instead of queueing.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
        });
        // While Redis is away, callers answer 503; the client reconnects by itself.
        const logger = new Logger('Redis');
        redis.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
        // Redis named but unreachable at start-up: the service does not start half-configured.
        await redis.connect();
        return redis;
      },
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
