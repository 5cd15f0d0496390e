import { HttpException } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { jsonBodyParser } from './common/json-body.parser';
import { lingerOnClose } from './common/lingering-close';
import { entityTagHeader } from './common/entity-tag';
import { rejectNonJsonBodies } from './common/json-only.hook';
import { securityHeaders } from './common/security-headers.hook';
import { ProblemDetailsFilter, toProblem } from './common/problem-details.filter';
import { StrictValidationPipe } from './common/validation.pipe';
import { AppConfig, trustProxySetting } from './config/app-config';
import { parseEnvironment } from './config/environment';
import { AppLogger } from './logging/app-logger';
import { requestId } from './logging/request-id';
import { logRequests } from './logging/request-logging';
import { uploadLimits } from './avatars/uploaded-file';
import { setupSwagger } from './swagger';
import { USER_FIELD_HINTS } from './users/dto/field-hints';

const BODY_LIMIT_BYTES = 100 * 1024;

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
  // The HTTP server is made before the modules, so it reads its one setting itself.
  const trustProxy = trustProxySetting(parseEnvironment(env).TRUST_PROXY);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy,
      genReqId: requestId,
      requestIdHeader: false,
      // The router's own refusals (a URL it cannot decode, a path segment too long) come
      // before Nest: they are answered here, as problems like every other error.
      frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
        const problem = toProblem(new HttpException(error.message, error.statusCode ?? 400, { cause: error }));
        void reply.status(problem.status).type('application/problem+json').send(problem);
      },
    }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(AppLogger));
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  // A body refused before it was read (413) must not cost the client its answer.
  fastify.server.on('connection', lingerOnClose);
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(fastify));
  // Uploads stream through these limits; only upload routes take multipart (json-only.hook.ts).
  await app.register(multipart, { limits: uploadLimits(config.avatarMaxBytes) });
  logRequests(fastify, await app.resolve(PinoLogger));
  // First, so that every answer has them, refusals by the hooks below included.
  fastify.addHook('onRequest', securityHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
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
    exposedHeaders: ['ETag', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id'],
    maxAge: 600,
    // A bare OPTIONS without Origin is no preflight: it goes on to the router (404 problem).
    strictPreflight: false,
  });
  app.useGlobalPipes(new StrictValidationPipe(USER_FIELD_HINTS));
  app.useGlobalFilters(new ProblemDetailsFilter());
  if (config.swaggerEnabled) setupSwagger(app);
  if (config.jwt.secretGenerated) {
    app.get(AppLogger).warn('JWT_SECRET is not set: using a random key, so tokens die with this process');
  }
  return app;
}
