import type { IncomingHttpHeaders } from 'node:http';

/** What a verified access token says about its bearer. */
export interface AuthenticatedUser {
  id: number;
  sessionId: string;
}

/** The claims this service signs into an access token. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
}

/** A request as the JWT guards leave it: `user` is the caller, when the token names one. */
export interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  user?: AuthenticatedUser;
}
