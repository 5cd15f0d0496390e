import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/** Sent when an administrator creates an account without a password: the link sets the first one. */
export function invitationMail({ name, link, validSeconds }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(name),
    `An account was created for you. Choose your password to start using it. The link works once, for ${lifetime(validSeconds)}.`,
  ];
  return {
    subject: 'Your new account',
    text: textMail(paragraphs, link),
    html: htmlMail(paragraphs, { url: link, label: 'Choose my password' }),
  };
}
