import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { ApiClient } from './api-client';
import { expectNoSecrets } from './secrets';
import { createTestDatabase, TestDatabase } from './test-database';
import { TEST_SIGNING_KEYS } from './test-signing-key';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long';
export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };

/**
 * The environment useApp() starts the application with, or a function that makes it as the
 * application starts: to name a server that an earlier hook started (an SMTP sink, say).
 */
export type AppEnv = Record<string, string> | (() => Record<string, string>);

export interface TestApp {
  api: ApiClient;
  app: NestFastifyApplication;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * What the application of a test runs with: bcrypt at its cheapest, the tests' keys and
 * administrator, a rate limit no test meets unless it sets one, on `database`; `env` over it all.
 */
export function testAppEnv(database: TestDatabase, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    BCRYPT_ROUNDS: '4',
    JWT_SECRET: TEST_JWT_SECRET,
    // Every app of a test file on one key: passport keeps one 'jwt' strategy a process, the last app's.
    JWT_PRIVATE_KEYS: TEST_SIGNING_KEYS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...database.env,
    ...env,
  };
}

/** Makes `app` listen on a loopback port (a free one unless given); answers its base URL. */
export async function listenOnLoopback(app: NestFastifyApplication, chosenPort = 0): Promise<string> {
  await app.listen({ port: chosenPort, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** The real application on its own database, listening on a free loopback port. */
export async function startTestApp(
  env: Record<string, string> = {},
  api = new ApiClient(),
): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await createApp(testAppEnv(database, env));
  // PORT: a suite that must know the address first (a provider's redirect_uri, in PUBLIC_URL).
  api.baseUrl = await listenOnLoopback(app, Number(env.PORT ?? 0));
  return {
    api,
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * For a describe block: the application starts before its tests and closes after them, and
 * then no response it gave may have carried a secret, nor (unless `checkContract` is false, for
 * suites that send what no contract describes) broken openapi.json. Answers the client, usable
 * as soon as the block's own beforeAll hooks run, and the application once it has started.
 */
export function useApp(
  env: AppEnv = {},
  { checkContract = true } = {},
): { api: ApiClient; testApp(): TestApp } {
  const api = new ApiClient();
  let testApp: TestApp | undefined;
  beforeAll(async () => {
    testApp = await startTestApp(typeof env === 'function' ? env() : env, api);
  });
  afterAll(async () => {
    await testApp?.close();
    expectNoSecrets(api);
    if (checkContract) expect(api.contractViolations).toEqual([]);
  });
  return {
    api,
    testApp: () => {
      if (!testApp) throw new Error('the application has not started');
      return testApp;
    },
  };
}

/** useApp() for the blocks that need only the client. */
export function useTestApp(env: AppEnv = {}): ApiClient {
  return useApp(env).api;
}
