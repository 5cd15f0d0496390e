import type { FastifyRequest } from 'fastify';
import { isLocale, Locale, localeFromHeader } from '../i18n/locale';

/**
 * A page's language: the account's, when the link's token is one of its usable links and it has
 * one (the `locale` of the link as EmailLinksService.usableLink reads it); else the one the
 * browser prefers (Accept-Language), else English.
 */
export function pageLocale(request: FastifyRequest, link?: object): Locale {
  const accountLocale = link && 'locale' in link ? link.locale : undefined;
  if (isLocale(accountLocale)) return accountLocale;
  return localeFromHeader(request.headers['accept-language']);
}
