import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './support/api-client';
import { expectNoSecrets } from './support/secrets';
import { serviceOnFreePort, ServiceProcess } from './support/service-process';
import { ADMIN } from './support/test-app';
import { createTestDatabase, onPostgresServer, TestDatabase } from './support/test-database';

describe(`a service process on ${onPostgresServer ? 'PostgreSQL' : 'embedded PGlite on disk'}`, () => {
  let dataDir: string;
  let database: TestDatabase;
  let service: ServiceProcess;
  let api: ApiClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'accounts-data-'));
    database = await createTestDatabase(dataDir);
    service = await serviceOnFreePort({
      ...database.env,
      NODE_ENV: 'development',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    api = new ApiClient(service.url);
  });

  afterAll(async () => {
    await service.stop('SIGKILL');
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write through kill -9, and seeds the admin only once', async () => {
    await service.start();
    const { user, password, token } = await api.register({ email: 'durable@example.com' });
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await api.put('/users', { token, body: { name: `Name ${i}` } });
      if (response.status === 200) acknowledged.push(response.body.name);
    }
    expect(acknowledged).toHaveLength(10);

    expect(await service.stop('SIGKILL')).toBeNull();
    // A changed ADMIN_PASSWORD does not reset an existing admin.
    service.env.ADMIN_PASSWORD = 'another-password-1';
    await service.start();

    const fresh = await api.login(user.email, password);
    const me = await api.get('/users', { token: fresh });
    expect(me.body).toMatchObject({ id: user.id, name: 'Name 9' });
    expect(await api.login(ADMIN.email, ADMIN.password)).toEqual(expect.any(String));
    const reset = await api.post('/auth/login', { body: { email: ADMIN.email, password: 'another-password-1' } });
    expect(reset.status).toBe(401);
    expectNoSecrets(api, [ADMIN.password, 'another-password-1']);
    expect(service.output).not.toContain(password);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await service.stop('SIGTERM')).toBe(0);
  });
});
