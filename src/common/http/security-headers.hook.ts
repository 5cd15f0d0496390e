import type { onRequestHookHandler } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers by lower-case name, made once at start-up. */
export type HeaderValues = Readonly<Record<string, string>>;

/**
 * The headers helmet's middleware sets for `options`, found once by running it against a
 * response that only records them: they depend on the options, never on the request.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => (done = true));
  if (!done) throw new Error('helmet did not finish at once');
  return headers;
}

/**
 * The headers of every answer: helmet's for `options`, and `Cache-Control: no-store`, since
 * answers carry account data and tokens, which no cache may keep (RFC 6749 5.1, ASVS 8.2.1). A
 * route whose answer may be cached sets its own. The hook below gives them to the answers that
 * pass Fastify's hooks; answers-before-hooks.ts to the others.
 */
export function securityHeaderValues(options: HelmetOptions): HeaderValues {
  return Object.freeze({ ...helmetHeaders(options), 'cache-control': 'no-store' });
}

/**
 * `headers` on every response, handed to Fastify as one object: Fastify gives them to writeHead
 * with the route's own, where calling helmet's middleware on every request validated each header
 * twice (setHeader, then writeHead) and cost 1.5 µs of GET /users (bench/README.md).
 */
export function securityHeaders(headers: HeaderValues): onRequestHookHandler {
  return (_request, reply, done) => {
    void reply.headers(headers);
    done();
  };
}
