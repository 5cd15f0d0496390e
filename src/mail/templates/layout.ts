import { DEFAULT_LOCALE, Locale } from '../../i18n/locale';
import { translate } from '../../i18n/translator';

/**
 * Every mail is written in one language: the account's (its `locale`), English by default.
 * Texts come from src/i18n/messages/{en,es}/mails.ts; they are escaped here where they become
 * HTML, never before (a name is shown as typed in the text part).
 */
export interface MailLanguage {
  locale?: Locale;
}

/** What a mail with a link is made of. */
export interface LinkMailValues extends MailLanguage {
  /** Only for the account's own proven address (see greeting). */
  name?: string;
  link: string;
  validSeconds: number;
}

/** Text for HTML: the five characters that could open markup or leave an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The first line: the account's name only when the mail goes to the account's own proven
 * address; a mail to an address nobody proved carries no text the account chose (it could be
 * anyone's address, and the name anything).
 */
export function greeting(locale: Locale, name?: string): string {
  return name === undefined ? translate(locale, 'mails.layout.greeting') : translate(locale, 'mails.layout.greetingName', { name });
}

/** The HTML part of every mail: paragraphs of escaped text, and one button for the link, if any. */
export function htmlMail(locale: Locale, paragraphs: string[], link?: { url: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  if (link) {
    body.push(`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`);
    body.push(`<p>${escapeHtml(translate(locale, 'mails.layout.pasteLink', { url: link.url }))}</p>`);
  }
  return `<!doctype html><html lang="${locale}"><body style="font-family: sans-serif">${body.join('')}</body></html>`;
}

/** The plain-text part: paragraphs, then the link alone on its line (mail clients make it clickable). */
export function textMail(paragraphs: string[], link?: string): string {
  return [...paragraphs, ...(link ? [link] : [])].join('\n\n') + '\n';
}

/** "7 days", "24 hours", "1 hour", "30 minutes" ("7 días"...): a lifetime as a mail says it. */
export function lifetime(seconds: number, locale: Locale = DEFAULT_LOCALE): string {
  const [count, unit] =
    seconds % 86_400 === 0 && seconds >= 172_800
      ? [seconds / 86_400, 'day' as const]
      : seconds % 3_600 === 0
        ? [seconds / 3_600, 'hour' as const]
        : [Math.ceil(seconds / 60), 'minute' as const];
  return translate(locale, `mails.lifetime.${unit}`, { count });
}
