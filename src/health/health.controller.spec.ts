import { Test } from '@nestjs/testing';
import { HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ProblemException } from '../common/problems/problem.exception';
import { REDIS } from '../redis/redis.module';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

const never = () => new Promise<never>(() => undefined);

/** The controller with a database that answers or not, and a Redis (or none) whose PING does `ping`. */
async function controller(databaseUp: boolean, ping?: () => Promise<unknown>): Promise<HealthController> {
  const module = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [
      RedisHealthIndicator,
      { provide: REDIS, useValue: ping ? { ping: jest.fn(ping) } : null },
      {
        provide: TypeOrmHealthIndicator,
        inject: [HealthIndicatorService],
        useFactory: (indicators: HealthIndicatorService) => ({
          pingCheck: (key: string) =>
            indicators.check(key).attempt(() => {
              if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
            }),
        }),
      },
    ],
  }).compile();
  return module.get(HealthController);
}

/** The problem's detail when readiness fails; fails the test when it does not. */
async function detailOf(ready: Promise<unknown>): Promise<string> {
  const error = await ready.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ProblemException);
  const problem = error as ProblemException;
  expect(problem.getStatus()).toBe(503);
  expect(problem.code).toBe('SERVICE_UNAVAILABLE');
  return problem.detail;
}

describe('HealthController.ready', () => {
  it('says nothing about Redis without REDIS_URL', async () => {
    const result = await (await controller(true)).ready();
    expect(Object.keys(result.info ?? {})).toEqual(['database']);
    expect(result.status).toBe('ok');
  });

  it('reports Redis up beside the database when it answers PING', async () => {
    const result = await (await controller(true, async () => 'PONG')).ready();
    expect(result.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it.each([
    ['refuses PING', () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"))],
    ['does not answer PING within its timeout', never],
  ])('is 503 naming the store, not the driver, when Redis %s', async (_label, ping) => {
    const detail = await detailOf((await controller(true, ping)).ready());
    expect(detail).toBe('The shared rate-limit store does not answer.');
  });

  it('names the database, and both when both are down', async () => {
    expect(await detailOf((await controller(false, async () => 'PONG')).ready())).toBe('The database does not answer.');
    expect(await detailOf((await controller(false)).ready())).toBe('The database does not answer.');
    expect(await detailOf((await controller(false, never)).ready())).toBe(
      'The database and the shared rate-limit store do not answer.',
    );
  });
});
