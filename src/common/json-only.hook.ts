import type { onRequestHookHandler } from 'fastify';
import { ErrorCode } from './error-code.enum';
import { problem } from './problem.exception';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * A Fastify onRequest hook: every body this service takes is JSON, so a request that carries
 * a body of another type is refused with 415 before anything parses it.
 */
export const rejectNonJsonBodies: onRequestHookHandler = (request, _reply, done) => {
  const { 'content-length': length, 'transfer-encoding': encoding, 'content-type': type } =
    request.headers;
  const hasBody = (length !== undefined && length !== '0') || encoding !== undefined;
  if (hasBody && !JSON_TYPE.test(type ?? '')) {
    return done(problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }
  done();
};
