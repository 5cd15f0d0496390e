import i18next from 'i18next';
import { DEFAULT_LOCALE, Locale, LOCALES } from './locale';
import { english, MessageKey, spanish } from './messages';

/** Values a text interpolates (`{{seconds}}`), and `count` for a plural. */
export type MessageParams = Record<string, string | number>;

/** A text to show, by key, with its values: what code passes around until a language is known. */
export interface Message {
  key: MessageKey;
  params?: MessageParams;
}

// One instance, loaded at once from memory: no backend, no asynchronous start.
const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: english }, es: { translation: spanish } },
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  initAsync: false,
  // Texts are escaped where they become HTML (eta's <%= %>, the mail layout), not here.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The text of `key` in `locale`, with `params` in its placeholders. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return i18n.t(key, { ...params, lng: locale });
}

/** A message in `locale`. */
export function render(locale: Locale, message: Message): string {
  return translate(locale, message.key, message.params);
}
