import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translate } from '../../i18n/translator';
import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/** Sent at sign-up, on request, and to a new address after an email change. */
export function verifyEmailMail({ name, link, validSeconds, locale = DEFAULT_LOCALE }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(locale, name),
    translate(locale, 'mails.verifyEmail.body', { lifetime: lifetime(validSeconds, locale) }),
    translate(locale, 'mails.verifyEmail.ignore'),
  ];
  return {
    subject: translate(locale, 'mails.verifyEmail.subject'),
    text: textMail(paragraphs, link),
    html: htmlMail(locale, paragraphs, { url: link, label: translate(locale, 'mails.verifyEmail.button') }),
  };
}
