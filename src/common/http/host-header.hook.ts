import type { onRequestHookHandler } from 'fastify';
import { ErrorCode } from '../problems/error-code.enum';
import { problem } from '../problems/problem.exception';

/**
 * A Fastify onRequest hook: 400 for an HTTP/1.1 request without Host (RFC 9112 3.2). Node's own
 * check answers before any hook, without the headers of every answer, so it is turned off
 * (`requireHostHeader: false`, app.factory.ts) for this one, which runs after the headers' hook.
 */
export const requireHostHeader: onRequestHookHandler = (request, _reply, done) => {
  if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
    return done(problem(ErrorCode.VALIDATION_FAILED, { key: 'problems.request.noHost' }));
  }
  done();
};
