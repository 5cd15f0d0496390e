import { DEFAULT_LOCALE } from '../../i18n/locale';
import { translate } from '../../i18n/translator';
import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/** Sent when an administrator creates an account without a password: the link sets the first one. */
export function invitationMail({ name, link, validSeconds, locale = DEFAULT_LOCALE }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(locale, name),
    translate(locale, 'mails.invitation.body', { lifetime: lifetime(validSeconds, locale) }),
  ];
  return {
    subject: translate(locale, 'mails.invitation.subject'),
    text: textMail(paragraphs, link),
    html: htmlMail(locale, paragraphs, { url: link, label: translate(locale, 'mails.invitation.button') }),
  };
}
