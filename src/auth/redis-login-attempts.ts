import type Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { inRedis } from '../redis/redis-unavailable';
import { LoginAttempts } from './login-attempts';

/**
 * While the lock lives, answers its milliseconds left; otherwise counts the attempt, sets the
 * lock at the limit, and answers 0. Counts and lock both last LOCKOUT_MINUTES.
 */
const ATTEMPT = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return locked end
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if count >= tonumber(ARGV[2]) then redis.call('SET', KEYS[2], '1', 'PX', ARGV[1]) end
return 0`;

/** LoginAttempts in Redis, shared by every instance. */
export class RedisLoginAttempts extends LoginAttempts {
  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async attempt(key: string): Promise<number> {
    const { maxLoginFailures, lockoutSeconds } = this.config.bruteForce;
    const lockedMs = (await inRedis(() =>
      this.redis.eval(ATTEMPT, 2, ...this.keys(key), lockoutSeconds * 1000, maxLoginFailures),
    )) as number;
    return Math.ceil(lockedMs / 1000);
  }

  async clear(key: string): Promise<void> {
    await inRedis(() => this.redis.del(...this.keys(key)));
  }

  private keys(key: string): [string, string] {
    return [`accounts:login:${key}:count`, `accounts:login:${key}:lock`];
  }
}
