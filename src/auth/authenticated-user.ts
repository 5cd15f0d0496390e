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
