import type { MailContent } from '../mail-content';
import { greeting, htmlMail, textMail } from './layout';

/** Sent to the old address when an administrator changed an account's email: no link, so nothing to steal. */
export function emailChangedMail({ name, newEmail }: { name?: string; newEmail: string }): MailContent {
  const paragraphs = [
    greeting(name),
    `An administrator changed the email address of your account to ${newEmail}. Mail about the account now goes there.`,
    'If you did not ask for this, contact your administrator.',
  ];
  return { subject: 'Your email address was changed', text: textMail(paragraphs), html: htmlMail(paragraphs) };
}
