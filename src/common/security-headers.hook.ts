import type { onRequestHookHandler } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/**
 * Helmet's headers on every response, from a middleware made once. (@fastify/helmet makes it
 * again on every request, parsing the CSP directives each time: 3.6% of the CPU of GET /users,
 * bench/README.md.)
 *
 * And `Cache-Control: no-store`: answers carry account data and tokens, which no cache may
 * keep (RFC 6749 5.1, ASVS 8.2.1). A route whose answer may be cached sets its own.
 */
export function securityHeaders(options: HelmetOptions): onRequestHookHandler {
  const setHeaders = helmet(options);
  return (request, reply, done) =>
    setHeaders(request.raw, reply.raw, () => {
      reply.raw.setHeader('Cache-Control', 'no-store');
      done();
    });
}
