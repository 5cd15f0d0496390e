import type { FastifyRequest } from 'fastify';
import { Locale, localeFromHeader } from '../i18n/locale';

/**
 * A page's language: the account's, when the link's token is known (EmailLinksService.pageLink:
 * used or expired, it still names its account); else the one the browser prefers
 * (Accept-Language), else English.
 */
export function pageLocale(request: FastifyRequest, accountLocale: Locale | undefined): Locale {
  return accountLocale ?? localeFromHeader(request.headers['accept-language']);
}
