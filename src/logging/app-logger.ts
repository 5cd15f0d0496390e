import { Injectable } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/** Nest's own start-up lines, one a module and one a route: detail, not news. */
const STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * The logger of the whole application (nestjs-pino's), with Nest's start-up chatter at debug,
 * so that a start prints what matters: warnings, and the line main.ts writes once listening.
 */
@Injectable()
export class AppLogger extends Logger {
  override log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    if (typeof context === 'string' && STARTUP_CONTEXTS.has(context)) return super.debug(message, ...params);
    super.log(message, ...params);
  }
}
