import type { IncomingHttpHeaders } from 'node:http';
import { parseId } from '../../common/validation/id';
import type { AuthenticatedUser } from '../../access/authenticated-user';

/**
 * How a login was proved (RFC 8176): a password, a one-time code (an app's, or a recovery code), a
 * passkey; `fed`, another provider's login (no RFC 8176 value says it; Microsoft Entra ID's does).
 */
export type AuthenticationMethod = 'pwd' | 'otp' | 'webauthn' | 'fed';

/** The claims this service signs into an access token (with `iss`, `aud`, `exp`, `iat`, `jti`). */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  /** When the session's login was, in seconds since the epoch (OpenID Connect's claim). */
  auth_time: number;
  /** How that login was proved (OpenID Connect's claim). */
  amr: AuthenticationMethod[];
  /** Whether the account's address was proven when the token was made. */
  email_verified: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `Bearer <jwt>` and nothing else: the scheme in any case, one or more spaces, one token. */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** The access token of the Authorization header, or null. */
export function bearerToken(request: { headers: IncomingHttpHeaders }): string | null {
  return BEARER.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

/** The caller that verified claims name, if they are all the claims this service signs. */
export function callerFromClaims(claims: unknown): AuthenticatedUser | undefined {
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { sub, sid, exp, auth_time: authTime, email_verified: emailVerified } = claims as Record<string, unknown>;
  const id = typeof sub === 'string' ? parseId(sub) : undefined;
  // A token without `exp` would never expire.
  if (id === undefined || typeof sid !== 'string' || !UUID.test(sid) || typeof exp !== 'number') {
    return undefined;
  }
  // Tokens made before these two claims existed carry neither: no recent login, nothing to restrict.
  return {
    id,
    sessionId: sid,
    authTime: typeof authTime === 'number' ? authTime : undefined,
    emailVerified: typeof emailVerified === 'boolean' ? emailVerified : undefined,
  };
}
