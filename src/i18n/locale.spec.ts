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

  it('reads whole entries within the first 256 characters of a long header (a 16 kB one took negotiator 5 ms)', () => {
    const filler = 'x-unknown;q=0.1,'.repeat(15);
    expect(localeFromHeader(`${filler}es;q=0.9,${'y;q=0.1,'.repeat(2000)}`)).toBe('es');
    // "es;q=0.9" would end past the 256th character: it is not read.
    expect(localeFromHeader(`${'z;q=0.1,'.repeat(32)}es;q=0.9`)).toBe('en');
    expect(localeFromHeader(`${'z;q=0.1,'.repeat(31)}es;q=0.9`)).toBe('es');
    expect(localeFromHeader(`es,${','.repeat(16_000)}`)).toBe('es');
    expect(localeFromHeader('e'.repeat(16_000))).toBe('en');
  });

  it('knows en and es only', () => {
    expect(['en', 'es', 'fr', 'EN', null].map(isLocale)).toEqual([true, true, false, false, false]);
  });
});
