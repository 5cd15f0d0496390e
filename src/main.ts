import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';
import { parseEnvironment } from './config/environment';
import { listeningLine } from './config/listening-line';
import { AppLogger } from './logging/app-logger';
import { lowerThreadPoolPriority } from './thread-pool-priority';

/** How long in-flight requests may take to finish after SIGTERM before the process leaves. */
const SHUTDOWN_GRACE_MS = 10_000;

async function bootstrap(): Promise<void> {
  try {
    parseEnvironment(process.env);
  } catch (error) {
    // One line naming the variable, no stack: a configuration mistake, not a crash.
    console.error((error as Error).message);
    process.exit(1);
  }
  // Before anything else queues work to the pool: bcrypt there must yield to requests.
  lowerThreadPoolPriority();
  const app = await createApp(process.env);
  const config = app.get(AppConfig);
  await app.listen({ port: config.port, host: '0.0.0.0' });
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
