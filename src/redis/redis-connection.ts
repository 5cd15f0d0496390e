import type { LoggerService } from '@nestjs/common';
import Redis from 'ioredis';

const FIRST_RECONNECT_MS = 100;
/**
 * The longest wait between reconnects. Each attempt while Redis is away is one refused
 * connection, cheap for both sides; the cap bounds how long the service stays 503 after Redis
 * is back, so it is kept short.
 */
export const MAX_RECONNECT_MS = 3000;

/** ioredis' retryStrategy: 100 ms, doubling up to MAX_RECONNECT_MS; never gives up. */
export function reconnectDelay(attempt: number): number {
  return Math.min(FIRST_RECONNECT_MS * 2 ** (attempt - 1), MAX_RECONNECT_MS);
}

/**
 * Logs an outage once, when the connection is lost or fails (a warning with the reason), and
 * its end once, when the connection is ready again: never a line per reconnect attempt. A
 * connection closed on purpose (quit) is no outage.
 */
export function logOutages(redis: Redis, logger: Pick<LoggerService, 'warn' | 'log'>): void {
  let away = false;
  const lost = (reason: string) => {
    if (away) return;
    away = true;
    logger.warn(`Redis is away: ${reason}`);
  };
  // The listener also keeps ioredis from printing "Unhandled error event" to stderr.
  redis.on('error', (error: Error) => lost(error.message));
  redis.on('reconnecting', () => lost('connection lost'));
  redis.on('ready', () => {
    if (away) logger.log('Redis is back');
    away = false;
  });
}

/**
 * The shared Redis connection, connected. A Redis that does not answer at start-up rejects,
 * after one warning, with no client left reconnecting behind.
 */
export async function connectRedis(url: string, logger: Pick<LoggerService, 'warn' | 'log'>): Promise<Redis> {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    // Fail fast while Redis is away (the caller answers 503) instead of queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // null ends the client: at start-up there is one attempt.
    retryStrategy: (attempt) => (connected ? reconnectDelay(attempt) : null),
  });
  logOutages(redis, logger);
  await redis.connect();
  connected = true;
  return redis;
}
