import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode } from './error-code.enum';

/** Set on requests to routes that need an access token (a property: cheaper than a WeakSet entry). */
const NEEDS_BEARER = Symbol('needsBearer');
type Marked = { [NEEDS_BEARER]?: true };

/** Marks the request as one whose 401 challenges for a bearer token; before any refusal. */
export function markBearerRequired(request: object): void {
  (request as Marked)[NEEDS_BEARER] = true;
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
  if (!request || !(request as Marked)[NEEDS_BEARER]) return undefined;
  return request.headers?.authorization && code === ErrorCode.UNAUTHORIZED
    ? 'Bearer error="invalid_token"'
    : 'Bearer';
}
