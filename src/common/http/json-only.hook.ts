import type { onRequestHookHandler } from 'fastify';
import { ErrorCode } from '../problems/error-code.enum';
import { problem } from '../problems/problem.exception';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** Fastify route config (`@RouteConfig(MULTIPART_ROUTE)`): the route takes an upload, not JSON. */
export const MULTIPART_ROUTE = { multipart: true } as const;

/** Fastify route config (`@RouteConfig(FORM_ROUTE)`): the route takes an HTML form's body, not JSON. */
export const FORM_ROUTE = { form: true } as const;

/**
 * A Fastify onRequest hook: every body this service takes is JSON, except on an upload route,
 * which takes multipart/form-data alone, and a page's form route, which takes
 * application/x-www-form-urlencoded alone; a request that carries a body of another type is
 * refused with 415 before anything parses it.
 */
export const rejectNonJsonBodies: onRequestHookHandler = (request, _reply, done) => {
  const { 'content-length': length, 'transfer-encoding': encoding, 'content-type': type = '' } = request.headers;
  const hasBody = (length !== undefined && length !== '0') || encoding !== undefined;
  if (!hasBody) return done();
  const config = request.routeOptions.config as { multipart?: boolean; form?: boolean } | undefined;
  if (config?.multipart === true) {
    if (!MULTIPART_TYPE.test(type)) {
      return done(problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { key: 'problems.pictures.multipartOnly' }));
    }
  } else if (config?.form === true) {
    if (!FORM_TYPE.test(type)) return done(problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, { key: 'problems.pages.formOnly' }));
  } else if (!JSON_TYPE.test(type)) {
    return done(problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }
  done();
};
