import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { localeFromHeader } from '../../i18n/locale';
import { bearerChallenge } from '../problems/bearer-challenge';
import { ProblemException } from '../problems/problem.exception';
import { toProblem } from '../problems/to-problem';
import type { HeaderValues } from './security-headers.hook';

/**
 * Every exception becomes an RFC 9457 problem+json answer, with the headers every answer carries,
 * in the language the request's Accept-Language prefers (English by default): only here, on an
 * error, is the header read.
 */
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
    const request = host.switchToHttp().getRequest<FastifyRequest | undefined>();
    const locale = localeFromHeader(request?.headers?.['accept-language']);
    const problem = toProblem(exception, locale);
    // 503: a dependency away or a decoder at capacity, not a fault of the service's.
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE) {
      const reason = exception instanceof ProblemException ? exception.detail : (exception as Error)?.message;
      this.logger.warn(`Unavailable: ${reason}`);
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
      const challenge = bearerChallenge(request, problem.code);
      if (challenge) void reply.headers({ 'WWW-Authenticate': challenge });
    }
    // Caches keep one answer a language: a 404 is cacheable by default (RFC 9111).
    const vary = reply.getHeader('vary');
    void reply
      .header('Content-Language', locale)
      .header('Vary', vary ? `${String(vary)}, Accept-Language` : 'Accept-Language')
      .status(problem.status)
      .type('application/problem+json')
      .send(problem);
  }
}
