import Negotiator from 'negotiator';

/** The languages the service speaks: mails, pages and problem texts. */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** What anyone gets whose language the service does not speak. */
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

/**
 * The language an `Accept-Language` header prefers among ours (q-values and `es-MX` for `es`
 * included, by negotiator, the header parser of Express and Koa), or English.
 */
export function localeFromHeader(acceptLanguage: string | string[] | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  const best = new Negotiator({ headers: { 'accept-language': header } }).language([...LOCALES]);
  return isLocale(best) ? best : DEFAULT_LOCALE;
}
