import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnvironment();
  } catch (error) {
    // One line naming the variable, no stack: a configuration mistake, not a crash.
    console.error((error as Error).message);
    process.exit(1);
  }
  const app = await createApp(config);
  await app.listen({ port: config.port, host: '0.0.0.0' });

  // Close the server, the pool and the embedded database, then leave with success.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
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
