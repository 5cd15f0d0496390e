import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { loggerOptions } from './logger-options';

/** Structured JSON logs (pino) at LOG_LEVEL, with secrets redacted. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loggerOptions(config.logLevel),
    }),
  ],
})
export class LoggingModule {}
