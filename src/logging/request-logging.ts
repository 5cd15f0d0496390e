import type { FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';

/**
 * Echoes the request id, and writes one JSON line a request when its response is sent: id,
 * method, route pattern, path, status and latency. No headers, no bodies, no query strings.
 */
export function logRequests(fastify: FastifyInstance, logger: PinoLogger): void {
  // Callback hooks, not async ones: they run on every request, and a promise each is not free.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    // At LOG_LEVEL=warn (say) a success is not logged: no line to build.
    if (status < 400 && !logger.logger.isLevelEnabled('info')) return done();
    const line = {
      requestId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? null,
      path: request.url.split('?')[0],
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (status >= 500) logger.error(line, 'request failed');
    else if (status >= 400) logger.warn(line, 'request refused');
    else logger.info(line, 'request completed');
    done();
  });
}
