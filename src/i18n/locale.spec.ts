import { isLocale, localeFromHeader } from './locale';

describe('localeFromHeader', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['es', 'es'],
    ['ES', 'es'],
    ['es-MX,es;q=0.9', 'es'],
    ['fr, es;q=0.5', 'es'],
    ['fr', 'en'],
    ['de-DE', 'en'],
    ['en-US,es;q=0.9', 'en'],
    ['es;q=0, en;q=0.1', 'en'],
    ['*', 'en'],
    [['fr', 'es;q=0.4'], 'es'],
    ['es;q=abc,,,;;', 'en'],
  ])('%j prefers %s', (header, locale) => {
    expect(localeFromHeader(header as string | undefined)).toBe(locale);
  });

  it('knows en and es only', () => {
    expect(['en', 'es', 'fr', 'EN', null].map(isLocale)).toEqual([true, true, false, false, false]);
  });
});
