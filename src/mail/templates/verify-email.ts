import type { MailContent } from '../mail-content';
import { greeting, htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/** Sent at sign-up, on request, and to a new address after an email change. */
export function verifyEmailMail({ name, link, validSeconds }: LinkMailValues): MailContent {
  const paragraphs = [
    greeting(name),
    `Please confirm that this is your email address. The link works once, for ${lifetime(validSeconds)}.`,
    'If you did not ask for this, you can ignore this mail.',
  ];
  return {
    subject: 'Confirm your email address',
    text: textMail(paragraphs, link),
    html: htmlMail(paragraphs, { url: link, label: 'Confirm my email address' }),
  };
}
