import type Redis from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import { inRedis } from '../../redis/redis-unavailable';
import { AttemptOutcome, LoginAttempts, PENDING_MS } from './login-attempts';

/**
 * The two counts of each name in KEYS apply to the address ARGV[1]: one hash a name, fields
 * `<scope>|f` (failures), `|fu` (forgotten at), `|p` (under way), `|pu` (given back at), `|l`
 * (locked until), for the scopes `all` (name-wide, limit ARGV[2]) and `ip:<address>` (limit
 * ARGV[3]). Times are Redis's own clock, in ms, the same for every instance.
 */
const COUNTS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function counts(key)
  local result = {}
  for _, scope in ipairs({ {'all', tonumber(ARGV[2])}, {'ip:' .. ARGV[1], tonumber(ARGV[3])} }) do
    local p = scope[1] .. '|'
    local v = redis.call('HMGET', key, p .. 'f', p .. 'fu', p .. 'p', p .. 'pu', p .. 'l')
    local c = { prefix = p, limit = scope[2], f = tonumber(v[1]) or 0, p = tonumber(v[3]) or 0, l = tonumber(v[5]) or 0 }
    if (tonumber(v[2]) or 0) <= now then c.f = 0 end
    if (tonumber(v[4]) or 0) <= now then c.p = 0 end
    table.insert(result, c)
  end
  return result
end
`;

/** ARGV[4]: ms an attempt holds its place. Returns a lock's ms left, -1 (busy) or 0 (reserved). */
const RESERVE = `${COUNTS}
local all = {}
local locked = 0
local busy = false
for _, key in ipairs(KEYS) do
  for _, c in ipairs(counts(key)) do
    c.key = key
    table.insert(all, c)
    if c.l - now > locked then locked = c.l - now end
    if c.f + c.p >= c.limit then busy = true end
  end
end
if locked > 0 then return locked end
if busy then return -1 end
for _, c in ipairs(all) do
  redis.call('HSET', c.key, c.prefix .. 'p', c.p + 1, c.prefix .. 'pu', now + tonumber(ARGV[4]))
  if redis.call('PTTL', c.key) < tonumber(ARGV[4]) then redis.call('PEXPIRE', c.key, ARGV[4]) end
end
return 0`;

/**
 * ARGV[4]: the lockout window (ms), ARGV[5]: the outcome, ARGV[6]: how many of KEYS were
 * reserved (the others are only forgiven on a success).
 */
const SETTLE = `${COUNTS}
local window = tonumber(ARGV[4])
for i, key in ipairs(KEYS) do
  for _, c in ipairs(counts(key)) do
    local p = c.prefix
    if i <= tonumber(ARGV[6]) then
      redis.call('HSET', key, p .. 'p', math.max(0, c.p - 1))
      if ARGV[5] == 'failed' then
        redis.call('HSET', key, p .. 'f', c.f + 1, p .. 'fu', now + window)
        if c.f + 1 >= c.limit then redis.call('HSET', key, p .. 'l', now + window) end
      end
    end
    if ARGV[5] == 'succeeded' then redis.call('HDEL', key, p .. 'f', p .. 'fu', p .. 'l') end
  end
  if redis.call('PTTL', key) < window then redis.call('PEXPIRE', key, window) end
end
return 0`;

/** LoginAttempts in Redis, shared by every instance: each step one script, so atomic. */
export class RedisLoginAttempts extends LoginAttempts {
  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected async reserve(names: string[], address: string): Promise<number> {
    const answer = (await inRedis(() =>
      this.redis.eval(RESERVE, names.length, ...this.keys(names), ...this.limits(address), PENDING_MS),
    )) as number;
    return answer > 0 ? Math.ceil(answer / 1000) : answer;
  }

  protected async settle(reserved: string[], forgiven: string[], address: string, outcome: AttemptOutcome): Promise<void> {
    const names = [...reserved, ...forgiven];
    const windowMs = this.config.bruteForce.lockoutSeconds * 1000;
    await inRedis(() =>
      this.redis.eval(SETTLE, names.length, ...this.keys(names), ...this.limits(address), windowMs, outcome, reserved.length),
    );
  }

  protected async forget(names: string[]): Promise<void> {
    if (names.length > 0) await inRedis(() => this.redis.del(...this.keys(names)));
  }

  private limits(address: string): [string, number, number] {
    const { maxLoginFailures, maxNameWideFailures } = this.config.bruteForce;
    return [address, maxNameWideFailures, maxLoginFailures];
  }

  private keys(names: string[]): string[] {
    return names.map((name) => `accounts:login:${name}`);
  }
}
