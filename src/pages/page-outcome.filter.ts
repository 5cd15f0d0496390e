import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EmailLinksService } from '../auth/email-links/email-links.service';
import type { PageLink } from '../auth/email-links/email-tokens.repository';
import { ProblemException } from '../common/problems/problem.exception';
import { ProblemDetails, toProblem } from '../common/problems/to-problem';
import { linkPageOfRoute, linkToken } from './link-pages';
import { pageLocale } from './page-locale';
import { PageRenderer } from './page-renderer';
import { problemView } from './page-views';

/**
 * The pages' answer to a refused step, in place of problem+json: a page that says what went
 * wrong and what to do next, with the problem's status and headers (Retry-After).
 */
@Catch()
export class PageOutcomeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(
    private readonly links: EmailLinksService,
    private readonly pages: PageRenderer,
  ) {}

  /** Nest does not wait on a filter: whatever fails here must still answer, and never go unhandled. */
  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = toProblem(exception);
    try {
      await this.answer(exception, problem, host.switchToHttp().getRequest<FastifyRequest>(), reply);
    } catch (error) {
      this.logger.error(`The page of a refused step could not be made: ${(error as Error).message}`);
      if (!reply.sent) void reply.status(problem.status).type('text/plain; charset=utf-8').send(`${problem.status} ${problem.code}`);
    }
  }

  private async answer(exception: unknown, problem: ProblemDetails, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (problem.status >= HttpStatus.INTERNAL_SERVER_ERROR) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      // Name and message only, as ProblemDetailsFilter logs them: a driver error also carries query parameters.
      this.logger.error(`${error.name}: ${error.message}`, error.stack);
    }
    if (exception instanceof ProblemException) void reply.headers(exception.headers);
    const page = linkPageOfRoute(request.routeOptions.url);
    const token = linkToken((request.body as Record<string, unknown> | undefined)?.token);
    // A refused password leaves the link usable: the form comes again, in the account's language.
    // A refusal by the rate limit costs no read: its page speaks the browser's language.
    const link: PageLink =
      page && token !== undefined && problem.status !== HttpStatus.TOO_MANY_REQUESTS
        ? await this.links.pageLink(token, page.kinds).catch(() => ({}))
        : {};
    const locale = pageLocale(request, link.locale);
    const retryAfter = Number(reply.getHeader('retry-after'));
    const view = problemView(page, locale, problem, link.usable && token, Number.isInteger(retryAfter) ? retryAfter : undefined);
    void reply.send(await this.pages.render(reply, locale, view));
  }
}
