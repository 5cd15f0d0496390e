import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/config/app-config';
import { ApiClient } from './api-client';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long';
export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };

export interface TestApp {
  api: ApiClient;
  app: NestFastifyApplication;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real application on its own database, listening on a free loopback port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    BCRYPT_ROUNDS: '4',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...database.env,
    ...env,
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    api: new ApiClient(`http://127.0.0.1:${port}`),
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
