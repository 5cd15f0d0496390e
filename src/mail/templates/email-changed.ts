import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translate } from '../../i18n/translator';
import type { MailContent } from '../mail-content';
import { greeting, htmlMail, MailLanguage, textMail } from './layout';

/** Sent to the old address when an administrator changed an account's email: no link, so nothing to steal. */
export function emailChangedMail({
  name,
  newEmail,
  locale = DEFAULT_LOCALE,
}: MailLanguage & { name?: string; newEmail: string }): MailContent {
  const paragraphs = [
    greeting(locale, name),
    translate(locale, 'mails.emailChanged.body', { newEmail }),
    translate(locale, 'mails.emailChanged.contact'),
  ];
  return { subject: translate(locale, 'mails.emailChanged.subject'), text: textMail(paragraphs), html: htmlMail(locale, paragraphs) };
}
