import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/**
 * Sent to the address an owner's email change leaves: its link undoes the change, before or
 * after the new address confirms it, and ends every session of the account.
 */
export function emailChangeNoticeMail({ name, link, validSeconds, newEmail }: LinkMailValues & { newEmail: string }): MailContent {
  const paragraphs = [
    greeting(name),
    `Someone asked to change the email address of your account to ${newEmail}. Once that address confirms it, mail about the account will go there.`,
    `If it was not you, follow the link: the account keeps this address and every session of it ends. The link works once, for ${lifetime(validSeconds)}. Then change your password.`,
  ];
  return {
    subject: 'Your email address is being changed',
    text: textMail(paragraphs, link),
    html: htmlMail(paragraphs, { url: link, label: 'This was not me: keep my address' }),
  };
}
