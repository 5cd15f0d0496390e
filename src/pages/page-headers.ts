import type { Locale } from '../i18n/locale';

/**
 * The pages' policy: no script at all, the service's own stylesheet, forms posted to the service
 * alone, never framed. It replaces the one for Swagger UI (app.factory.ts) on page answers.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The headers of a page: its policy, its language, and neither a Referer (the address has the
 * link's token) nor a stored copy (the page has it too).
 */
export function pageHeaders(locale: Locale): Record<string, string> {
  return {
    'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'content-language': locale,
  };
}
