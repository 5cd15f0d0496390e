import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';

/** Runs a Redis call; a Redis that is away becomes 503, never a hang or a 500. */
export async function inRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw problem(ErrorCode.SERVICE_UNAVAILABLE, { key: 'problems.health.redisUnavailable' });
  }
}
