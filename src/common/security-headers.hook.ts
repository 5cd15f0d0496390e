import type { onRequestHookHandler } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/**
 * Helmet's headers on every response, from a middleware made once. (@fastify/helmet makes it
 * again on every request, parsing the CSP directives each time: 3.6% of the CPU of GET /users,
 * bench/README.md.)
 */
export function securityHeaders(options: HelmetOptions): onRequestHookHandler {
  const setHeaders = helmet(options);
  return (request, reply, done) => setHeaders(request.raw, reply.raw, () => done());
}
