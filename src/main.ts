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
}

void bootstrap();
