import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode } from './error-code.enum';

/** The requests to routes that need an access token, as JwtAuthGuard marks them. */
const needingBearer = new WeakSet<object>();

/** Marks the request as one whose 401 challenges for a bearer token; before any refusal. */
export function markBearerRequired(request: object): void {
  needingBearer.add(request);
}

/**
 * The WWW-Authenticate value of a 401 answer (RFC 6750 section 3), or undefined for a route
 * that needs no access token, such as POST /auth/login. `invalid_token` only when a token was
 * sent and it is the token that failed: a wrong current password on a bearer route is no
 * reason for the client to drop its token.
 */
export function bearerChallenge(
  request: { headers?: IncomingHttpHeaders } | undefined,
  code: ErrorCode,
): string | undefined {
  if (!request || !needingBearer.has(request)) return undefined;
  return request.headers?.authorization && code === ErrorCode.UNAUTHORIZED
    ? 'Bearer error="invalid_token"'
    : 'Bearer';
}
