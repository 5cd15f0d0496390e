import type { IncomingHttpHeaders } from 'node:http';

/** The caller of a route, as its verified access token names it (set by auth's JwtAuthGuard). */
export interface AuthenticatedUser {
  id: number;
  sessionId: string;
}

/** A request as the JWT guard leaves it: `user` is the caller, when the token names one. */
export interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  user?: AuthenticatedUser;
}
