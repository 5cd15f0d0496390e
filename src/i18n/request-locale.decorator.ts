import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { localeFromHeader } from './locale';

/** The language the request's Accept-Language prefers among the service's, as a route parameter. */
export const RequestLocale = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  localeFromHeader(context.switchToHttp().getRequest<FastifyRequest>().headers['accept-language']),
);
