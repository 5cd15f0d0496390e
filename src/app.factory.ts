import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { rejectNonJsonBodies } from './common/json-only.hook';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { StrictValidationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';
import { setupSwagger } from './swagger';

const BODY_LIMIT_BYTES = 100 * 1024;

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const NEST_LEVEL: Record<string, LogLevel> = { info: 'log', trace: 'verbose' };

/** LOG_LEVEL (pino's names) as the Nest levels at or above it; `silent` logs nothing. */
function nestLogLevels(level: string): LogLevel[] | false {
  if (level === 'silent') return false;
  return LEVELS.slice(0, LEVELS.indexOf(NEST_LEVEL[level] ?? (level as LogLevel)) + 1);
}

/** The whole application, ready to listen: main.ts and the end-to-end tests both use it. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    { logger: nestLogLevels(config.logLevel) },
  );
  app.getHttpAdapter().getInstance().addHook('onRequest', rejectNonJsonBodies);
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (config.swaggerEnabled) setupSwagger(app);
  if (config.jwt.secretGenerated) {
    new Logger('Config').warn(
      'JWT_SECRET is not set: using a random key, so tokens die with this process',
    );
  }
  return app;
}
