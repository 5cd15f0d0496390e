import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Eta } from 'eta';
import { PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { expectationRefusal, parserRefusal, routerRefusal } from './common/http/answers-before-hooks';
import { capConnections, timeoutOptions } from './common/http/connection-limits';
import { jsonBodyParser } from './common/http/json-body.parser';
import { lingerOnClose } from './common/http/lingering-close';
import { entityTagHeader } from './common/http/entity-tag';
import { requireHostHeader } from './common/http/host-header.hook';
import { rejectNonJsonBodies } from './common/http/json-only.hook';
import { RefusedConnections } from './common/http/refused-connections';
import { securityHeaders, securityHeaderValues } from './common/http/security-headers.hook';
import { ProblemDetailsFilter } from './common/http/problem-details.filter';
import { StrictValidationPipe } from './common/validation/validation.pipe';
import { AppConfig, httpLimits, trustProxySetting } from './config/app-config';
import { parseEnvironment } from './config/environment';
import { AppLogger } from './logging/app-logger';
import { requestId } from './logging/request-id';
import { logRequests } from './logging/request-logging';
import { uploadLimits } from './avatars/uploaded-file';
import { PAGE_VIEWS_DIR } from './pages/page-views-dir';
import { setupSwagger } from './swagger';
import { USER_FIELD_HINTS } from './users/dto/field-hints';

const BODY_LIMIT_BYTES = 100 * 1024;
/** A page's form: a token and two passwords at most (src/pages). */
const FORM_BODY_LIMIT_BYTES = 4 * 1024;

/** Swagger UI's page has inline styles and data: images, and nothing else from elsewhere. */
const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    scriptSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    // Over plain http at any name but localhost, the upgrade would break Swagger UI's assets.
    upgradeInsecureRequests: null,
  },
};

/**
 * The whole application, configured by `env` and ready to listen: main.ts and the end-to-end
 * tests both use it.
 */
export async function createApp(env: NodeJS.ProcessEnv): Promise<NestFastifyApplication> {
  // The HTTP server is made before the modules, so it reads its settings itself.
  const environment = parseEnvironment(env);
  const trustProxy = trustProxySetting(environment.TRUST_PROXY);
  const timeouts = timeoutOptions(httpLimits(environment));
  // The headers of every answer, whether it passes the hooks or not.
  const headers = securityHeaderValues({ contentSecurityPolicy: CONTENT_SECURITY_POLICY });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy,
      genReqId: requestId,
      requestIdHeader: false,
      ...timeouts,
      // Node's own 400 for a missing Host skips every hook: host-header.hook.ts answers it instead.
      http: { ...timeouts.http, requireHostHeader: false },
      // The answers Node's parser and the router give before any hook: problems, with `headers`.
      clientErrorHandler: parserRefusal(headers),
      frameworkErrors: routerRefusal(headers),
      // A request whose headers were still coming in when shutdown began is served (with
      // Connection: close), where Fastify would answer a bare 503.
      return503OnClosing: false,
    }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(AppLogger));
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  capConnections(fastify.server, config.http, config.trustProxy, new RefusedConnections(app.get(AppLogger)));
  // A body refused before it was read (413) must not cost the client its answer.
  fastify.server.on('connection', lingerOnClose);
  fastify.server.on('checkExpectation', expectationRefusal(headers));
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(fastify));
  // Uploads stream through these limits; only upload routes take multipart (json-only.hook.ts).
  await app.register(multipart, { limits: uploadLimits(config.avatarMaxBytes) });
  // The mail links' pages (src/pages): their forms' bodies, which only their POST routes take
  // (json-only.hook.ts), and their eta templates, escaped by <%= %> and read once.
  // Nest's own parser for them (fast-querystring, as @fastify/formbody; __proto__ refused), with
  // a small limit: registering @fastify/formbody beside it would clash with it at init.
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: FORM_BODY_LIMIT_BYTES });
  await app.setViewEngine({ engine: { eta: new Eta({ autoEscape: true }) }, templates: PAGE_VIEWS_DIR, production: true });
  logRequests(fastify, await app.resolve(PinoLogger));
  // First, so that every answer has them, refusals by the hooks below included.
  fastify.addHook('onRequest', securityHeaders(headers));
  fastify.addHook('onRequest', requireHostHeader);
  fastify.addHook('onRequest', rejectNonJsonBodies);
  fastify.addHook('preSerialization', entityTagHeader);
  // Once shutdown has begun, the responses of in-flight requests close their connections, so
  // that keep-alive clients do not hold the server open.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!fastify.server.listening) void reply.header('Connection', 'close');
    done(null, payload);
  });
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    exposedHeaders: ['ETag', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
    // A bare OPTIONS without Origin is answered as a preflight, not refused as text/plain.
    strictPreflight: false,
    // Nest runs the CORS hook before the application's: a preflight answered there would have
    // none of the security headers. It goes on through them, and @fastify/cors's OPTIONS route
    // answers it (200).
    preflightContinue: true,
  });
  app.useGlobalPipes(new StrictValidationPipe(USER_FIELD_HINTS));
  app.useGlobalFilters(new ProblemDetailsFilter(headers));
  if (config.swaggerEnabled) setupSwagger(app);
  if (config.mfa.keyIsDevelopmentDefault) {
    app.get(AppLogger).warn('MFA_ENCRYPTION_KEY is not set: second-factor secrets are sealed with a development key');
  }
  return app;
}
