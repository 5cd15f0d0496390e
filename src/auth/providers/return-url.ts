import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';

/** The longest redirect_to taken (the column's size). */
export const MAX_RETURN_URL = 2048;

/**
 * Where a provider login may send its result: an address of the frontend's origin (APP_URL's,
 * else PUBLIC_URL's), or exactly one of OAUTH_REDIRECT_URLS (a mobile app's). Never anywhere a
 * request names: the one-time code would go with it. Answers the address, normalised.
 */
export function allowedReturnUrl(
  requested: string | undefined,
  allowed: { returnOrigins: string[]; returnUrls: string[]; defaultReturnUrl: string },
): string {
  if (requested === undefined) return allowed.defaultReturnUrl;
  if (allowed.returnUrls.includes(requested)) return requested;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    throw problem(ErrorCode.REDIRECT_NOT_ALLOWED);
  }
  // Credentials in the address make browsers show one host and reach another.
  if (url.username || url.password || !allowed.returnOrigins.includes(url.origin) || url.href.length > MAX_RETURN_URL) {
    throw problem(ErrorCode.REDIRECT_NOT_ALLOWED);
  }
  url.hash = '';
  return url.href;
}
