import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { AppLogger } from './app-logger';
import { loggerOptions } from './logger-options';

/**
 * Structured JSON logs (pino) at LOG_LEVEL, with secrets redacted; readable lines instead when
 * a person runs the service at a terminal outside production.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        loggerOptions(config.logLevel, !config.production && Boolean(process.stdout.isTTY)),
    }),
  ],
  providers: [AppLogger],
  exports: [AppLogger],
})
export class LoggingModule {}
