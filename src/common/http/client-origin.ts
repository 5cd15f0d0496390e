import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Where a request came from, as a session or an audit record keeps it. */
export interface ClientOrigin {
  /** The client address, as TRUST_PROXY lets the service see it. */
  ip: string;
  /** The User-Agent header, cut to 512 characters; null when none was sent. */
  userAgent: string | null;
  /** The request's id (X-Request-Id), as the log line has it. */
  requestId: string;
}

const USER_AGENT_MAX = 512;

export function clientOrigin(request: FastifyRequest): ClientOrigin {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof agent === 'string' && agent !== '' ? agent.slice(0, USER_AGENT_MAX) : null,
    requestId: String(request.id),
  };
}

/** The request's ClientOrigin, as a route parameter. */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): ClientOrigin =>
  clientOrigin(context.switchToHttp().getRequest<FastifyRequest>()),
);
