import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { ProblemException } from '../problems/problem.exception';
import { jsonShapeProblem } from '../validation/request-input';

/**
 * Fastify's own JSON parser (prototype poisoning refused), behind a scan of the raw bytes that
 * refuses a hostile shape (too many keys, too deep) before JSON.parse builds it: a 400 for the
 * largest such body then costs about what a 400 for a small one does.
 */
export function jsonBodyParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    const problem = jsonShapeProblem(body);
    if (problem) return done(ProblemException.validation([problem]), undefined);
    parse(request, body.toString(), done);
  };
}
