import { english, spanish } from './messages';
import { translate } from './translator';

/** Every leaf of a texts object, by dotted key. */
function leaves(texts: object, prefix = ''): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const [key, value] of Object.entries(texts)) {
    if (value !== null && typeof value === 'object') {
      for (const [path, leaf] of leaves(value, `${prefix}${key}.`)) found.set(path, leaf);
    } else found.set(`${prefix}${key}`, value);
  }
  return found;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map(([, name]) => name).sort();

describe('the texts in English and Spanish', () => {
  const en = leaves(english);
  const es = leaves(spanish);

  it('have the same keys: none missing in Spanish, none Spanish only', () => {
    expect([...en.keys()].filter((key) => !es.has(key))).toEqual([]);
    expect([...es.keys()].filter((key) => !en.has(key))).toEqual([]);
  });

  it('are all non-empty strings, with the same placeholders in both languages', () => {
    for (const [key, text] of en) {
      const translated = es.get(key);
      expect({ key, english: typeof text, spanish: typeof translated }).toEqual({ key, english: 'string', spanish: 'string' });
      expect((text as string).trim()).not.toBe('');
      expect((translated as string).trim()).not.toBe('');
      expect({ key, placeholders: placeholders(translated as string) }).toEqual({ key, placeholders: placeholders(text as string) });
    }
  });

  it('fails on a missing key rather than showing it: the check above is what keeps them complete', () => {
    // i18next answers an unknown key with the key itself; a test compares the key sets instead.
    expect(translate('es', 'problems.NO_SUCH_KEY' as never)).toBe('problems.NO_SUCH_KEY');
  });
});
