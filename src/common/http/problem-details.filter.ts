import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { bearerChallenge } from '../problems/bearer-challenge';
import { ProblemException } from '../problems/problem.exception';
import { toProblem } from '../problems/to-problem';
import type { HeaderValues } from './security-headers.hook';

/** Every exception becomes an RFC 9457 problem+json answer, with the headers every answer carries. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  /**
   * `everyAnswersHeaders`: the headers of every answer (security-headers.hook.ts), set here on an
   * error that was answered without the hooks that set them: Fastify's 404 for `OPTIONS *` (a
   * request target that is no path, which its 404 router's fallback answers without any hook).
   */
  constructor(private readonly everyAnswersHeaders?: HeaderValues) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const problem = toProblem(exception);
    // 503: a dependency away or a decoder at capacity, not a fault of the service's.
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE) {
      this.logger.warn(`Unavailable: ${(exception as Error)?.message}`);
    } else if (problem.status >= 500) {
      // Name, message and stack only: a driver error object also carries query parameters.
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(`${error.name}: ${error.message}`, error.stack);
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // X-Content-Type-Options: one of them, which no route sets itself.
    if (this.everyAnswersHeaders && !reply.hasHeader('x-content-type-options')) void reply.headers(this.everyAnswersHeaders);
    if (exception instanceof ProblemException) void reply.headers(exception.headers);
    if (problem.status === HttpStatus.UNAUTHORIZED) {
      const challenge = bearerChallenge(host.switchToHttp().getRequest(), problem.code);
      if (challenge) void reply.headers({ 'WWW-Authenticate': challenge });
    }
    void reply.status(problem.status).type('application/problem+json').send(problem);
  }
}
