import { get } from 'node:http';
import { freePort, ServiceProcess } from '../support/service-process';
import { TEST_JWT_SECRET } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The connection findings of the second security review (issue 22: 7, 15 and 16), each as the
 * reviewer met it on main: every test here failed on the code before the fix.
 */

/** A service process of its own on a database of its own, with `env` added to a test's settings. */
function useServiceProcess(env: Record<string, string>): { service(): ServiceProcess } {
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    service = new ServiceProcess(await freePort(), {
      ...database.env,
      NODE_ENV: 'test',
      BCRYPT_ROUNDS: '4',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      ...env,
    });
    await service.start();
  }, 90_000);
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await database?.drop();
  });
  return {
    service: () => {
      if (!service) throw new Error('the service has not started');
      return service;
    },
  };
}

/** GET /health at `host` on a connection of its own: its status, or the code of the error it met. */
function healthAt(host: string, port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/health', agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('finding 16: HOST names the interface the service listens on', () => {
  describe('HOST=127.0.0.3', () => {
    const { service } = useServiceProcess({ HOST: '127.0.0.3' });

    it('listens there alone, and names it in its start-up line', async () => {
      expect(await healthAt('127.0.0.3', service().port)).toBe(200);
      expect(await healthAt('127.0.0.1', service().port)).toBe('ECONNREFUSED');
      expect(service().output).toContain(`Listening on http://127.0.0.3:${service().port}`);
    });
  });

  describe('without HOST', () => {
    const { service } = useServiceProcess({});

    it('listens on every interface (0.0.0.0), and names localhost in its start-up line', async () => {
      expect(await healthAt('127.0.0.3', service().port)).toBe(200);
      expect(await healthAt('127.0.0.1', service().port)).toBe(200);
      expect(service().output).toContain(`Listening on http://localhost:${service().port}`);
    });
  });
});
