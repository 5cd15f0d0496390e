import type { MailContent } from '../mail-content';
import { htmlMail, textMail } from './layout';

/** Sent to the old address when an account's email changes: no link, so nothing to steal. */
export function emailChangedMail({ name, newEmail }: { name: string; newEmail: string }): MailContent {
  const paragraphs = [
    `Hello ${name},`,
    `The email address of your account was changed to ${newEmail}. Mail about the account now goes there.`,
    'If you did not make this change, contact us at once: someone else may have access to your account.',
  ];
  return { subject: 'Your email address was changed', text: textMail(paragraphs), html: htmlMail(paragraphs) };
}
