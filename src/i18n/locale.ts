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
 * How much of an Accept-Language header is read: browsers send a few dozen characters, and
 * negotiator's parse of a 16 kB one (a header within the limit) took 5 ms, on any refused request.
 */
const ACCEPT_LANGUAGE_MAX = 256;

/**
 * The language an `Accept-Language` header prefers among ours (q-values and `es-MX` for `es`
 * included, by negotiator, the header parser of Express and Koa), or English.
 */
export function localeFromHeader(acceptLanguage: string | string[] | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  let header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  // Whole entries only: "es;q=0.9" cut to "es;q=0." would read as another weight.
  if (header.length > ACCEPT_LANGUAGE_MAX) {
    const lastWhole = header.lastIndexOf(',', ACCEPT_LANGUAGE_MAX);
    header = header.slice(0, lastWhole > 0 ? lastWhole : ACCEPT_LANGUAGE_MAX);
  }
  const best = new Negotiator({ headers: { 'accept-language': header } }).language([...LOCALES]);
  return isLocale(best) ? best : DEFAULT_LOCALE;
}
