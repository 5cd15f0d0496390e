import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import { Public } from '../access/public.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';
import type { Message } from '../i18n/translator';
import { RedisHealthIndicator } from './redis.health';

const DATABASE_TIMEOUT_MS = 1500;
const REDIS_TIMEOUT_MS = 1000;

/** What a 503 calls each dependency: no host, port or driver text. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'health', summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: {}, error: {}, details: {} } } })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ operationId: 'ready', summary: 'Readiness: the database answers, and Redis when REDIS_URL is set' })
  @ApiOkResponse({
    schema: { example: { status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } } },
  })
  @ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
  async ready() {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: DATABASE_TIMEOUT_MS }),
    ];
    if (this.redis.configured) checks.push(() => this.redis.pingCheck('redis', REDIS_TIMEOUT_MS));
    try {
      return await this.health.check(checks);
    } catch (error) {
      // Terminus' own 503 body names the driver's error; ours says only what a caller needs.
      throw problem(ErrorCode.SERVICE_UNAVAILABLE, notAnswering(error));
    }
  }
}

/** "The database does not answer.", "The database and the shared rate-limit store do not answer." */
function notAnswering(error: unknown): Message {
  const response = error instanceof ServiceUnavailableException ? error.getResponse() : undefined;
  const down = Object.keys((response as { error?: object } | undefined)?.error ?? {});
  const redis = down.includes('redis');
  const database = down.includes('database') || !redis;
  if (database && redis) return { key: 'problems.health.bothDown' };
  return redis ? { key: 'problems.health.redisDown' } : { key: 'problems.health.databaseDown' };
}
