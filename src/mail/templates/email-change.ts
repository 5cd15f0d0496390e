import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translate } from '../../i18n/translator';
import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/**
 * Sent to the new address of an owner's email change: following the link makes the change. The
 * address is not proven yet, so the mail says nothing the account chose (no name); its language
 * is the account's all the same.
 */
export function emailChangeMail({ link, validSeconds, locale = DEFAULT_LOCALE }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(locale),
    translate(locale, 'mails.emailChange.body', { lifetime: lifetime(validSeconds, locale) }),
    translate(locale, 'mails.emailChange.ignore'),
  ];
  return {
    subject: translate(locale, 'mails.emailChange.subject'),
    text: textMail(paragraphs, link),
    html: htmlMail(locale, paragraphs, { url: link, label: translate(locale, 'mails.emailChange.button') }),
  };
}
