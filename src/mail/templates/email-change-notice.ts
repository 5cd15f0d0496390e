import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translate } from '../../i18n/translator';
import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/**
 * Sent to the address an owner's email change leaves: its link undoes the change, before or
 * after the new address confirms it, and ends every session of the account.
 */
export function emailChangeNoticeMail({
  name,
  link,
  validSeconds,
  newEmail,
  locale = DEFAULT_LOCALE,
}: LinkMailValues & { newEmail: string }): MailContent {
  const paragraphs = [
    greeting(locale, name),
    translate(locale, 'mails.emailChangeNotice.body', { newEmail }),
    translate(locale, 'mails.emailChangeNotice.undo', { lifetime: lifetime(validSeconds, locale) }),
  ];
  return {
    subject: translate(locale, 'mails.emailChangeNotice.subject'),
    text: textMail(paragraphs, link),
    html: htmlMail(locale, paragraphs, { url: link, label: translate(locale, 'mails.emailChangeNotice.button') }),
  };
}
