import type { onRequestHookHandler } from 'fastify';
import { ErrorCode } from '../problems/error-code.enum';
import { problem } from '../problems/problem.exception';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

/** Fastify route config (`@RouteConfig(MULTIPART_ROUTE)`): the route takes an upload, not JSON. */
export const MULTIPART_ROUTE = { multipart: true } as const;

/**
 * A Fastify onRequest hook: every body this service takes is JSON, except on an upload route,
 * which takes multipart/form-data alone; a request that carries a body of another type is
 * refused with 415 before anything parses it.
 */
export const rejectNonJsonBodies: onRequestHookHandler = (request, _reply, done) => {
  const { 'content-length': length, 'transfer-encoding': encoding, 'content-type': type = '' } = request.headers;
  const hasBody = (length !== undefined && length !== '0') || encoding !== undefined;
  if (!hasBody) return done();
  const config = request.routeOptions.config as { multipart?: boolean } | undefined;
  if (config?.multipart === true) {
    if (!MULTIPART_TYPE.test(type)) {
      return done(problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { key: 'problems.pictures.multipartOnly' }));
    }
  } else if (!JSON_TYPE.test(type)) {
    return done(problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }
  done();
};
