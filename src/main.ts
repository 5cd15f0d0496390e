import './compile-cache';
import { AppConfig } from './config/app-config';
import { Environment, parseEnvironment } from './config/environment';
import { listeningLine } from './config/listening-line';
import { preparePglite } from './database/pglite-snapshot';
import { lowerThreadPoolPriority } from './common/thread-pool-priority';

/** How long in-flight requests may take to finish after SIGTERM before the process leaves. */
const SHUTDOWN_GRACE_MS = 10_000;

async function bootstrap(): Promise<void> {
  let environment: Environment;
  try {
    environment = parseEnvironment(process.env);
  } catch (error) {
    // One line naming the variable, no stack: a configuration mistake, not a crash.
    console.error((error as Error).message);
    process.exit(1);
  }
  // Before anything else queues work to the pool: bcrypt there must yield to requests.
  lowerThreadPoolPriority();
  // A new embedded database's files are written on a worker thread while the application's
  // modules load: required here, after that start, they take about half a second of this thread.
  if (!environment.DATABASE_URL) preparePglite(environment.DATA_DIR);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createApp } = require('./app.factory') as typeof import('./app.factory');
  const { AppLogger } = require('./logging/app-logger') as typeof import('./logging/app-logger');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await createApp(process.env);
  const config = app.get(AppConfig);
  await app.listen({ port: config.port, host: config.host });
  app.get(AppLogger).log(listeningLine(config), 'Main');

  // Stop accepting, let in-flight requests finish, close the pool, leave with 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

bootstrap().catch((error: unknown) => {
  // Nest has logged the cause (a database that stayed unreachable, a port in use, ...).
  console.error(`The service could not start: ${(error as Error).message}`);
  process.exit(1);
});
