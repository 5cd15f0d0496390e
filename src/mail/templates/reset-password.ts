import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translate } from '../../i18n/translator';
import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/** Sent on POST /auth/password/forgot for an account that exists. */
export function resetPasswordMail({ name, link, validSeconds, locale = DEFAULT_LOCALE }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(locale, name),
    translate(locale, 'mails.resetPassword.body', { lifetime: lifetime(validSeconds, locale) }),
    translate(locale, 'mails.resetPassword.ignore'),
  ];
  return {
    subject: translate(locale, 'mails.resetPassword.subject'),
    text: textMail(paragraphs, link),
    html: htmlMail(locale, paragraphs, { url: link, label: translate(locale, 'mails.resetPassword.button') }),
  };
}
