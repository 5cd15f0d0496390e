import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/** Sent on POST /auth/password/forgot for an account that exists. */
export function resetPasswordMail({ name, link, validSeconds }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(name),
    `Someone asked to reset the password of your account. The link works once, for ${lifetime(validSeconds)}; using it ends every session of the account.`,
    'If it was not you, ignore this mail: your password stays as it is.',
  ];
  return {
    subject: 'Reset your password',
    text: textMail(paragraphs, link),
    html: htmlMail(paragraphs, { url: link, label: 'Choose a new password' }),
  };
}
