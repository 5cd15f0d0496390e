import type { MailContent } from '../mail-content';
import { htmlMail, lifetime, textMail } from './layout';

/** Sent when an administrator creates an account without a password: the link sets the first one. */
export function invitationMail({ name, link, validSeconds }: { name: string; link: string; validSeconds: number }): MailContent {
  const paragraphs = [
    `Hello ${name},`,
    `An account was created for you. Choose your password to start using it. The link works once, for ${lifetime(validSeconds)}.`,
  ];
  return {
    subject: 'Your new account',
    text: textMail(paragraphs, link),
    html: htmlMail(paragraphs, { url: link, label: 'Choose my password' }),
  };
}
