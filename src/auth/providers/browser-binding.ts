import type { IncomingHttpHeaders } from 'node:http';

/** The cookie that ties a provider login's return to the browser that began it (login CSRF). */
export const BROWSER_COOKIE = 'oauth_browser';
/** As long as a flow waits for its return. */
export const FLOW_SECONDS = 600;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The browser's token from its Cookie header, if it sent a well-formed one. */
export function browserToken(headers: IncomingHttpHeaders): string | undefined {
  for (const pair of (headers.cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === BROWSER_COOKIE && value !== undefined && TOKEN.test(value)) return value;
  }
  return undefined;
}

/**
 * Sets the token for the provider routes only: HttpOnly (no script reads it), SameSite=Lax (sent
 * on the provider's top-level redirect back, not on a cross-site request of a page), Secure
 * when the service is reached over https.
 */
export function browserCookie(token: string, secure: boolean): string {
  return `${BROWSER_COOKIE}=${token}; Path=/auth/oauth; Max-Age=${FLOW_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
