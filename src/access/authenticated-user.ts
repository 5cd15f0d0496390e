import type { IncomingHttpHeaders } from 'node:http';

/** The caller of a route, as its verified access token names it (set by auth's JwtAuthGuard). */
export interface AuthenticatedUser {
  id: number;
  sessionId: string;
  /** When the session's owner last proved who they are (a login), in seconds since the epoch. */
  authTime?: number;
  /** Whether the account's address was proven when the token was made. */
  emailVerified?: boolean;
}

/** Whether the caller logged in within the last `seconds`: enough, for an account without a password, to change what needs one. */
export function loggedInWithin(caller: AuthenticatedUser, seconds: number, now = Date.now()): boolean {
  return caller.authTime !== undefined && now / 1000 - caller.authTime <= seconds;
}

/** A request as the JWT guard leaves it: `user` is the caller, when the token names one. */
export interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  user?: AuthenticatedUser;
}
