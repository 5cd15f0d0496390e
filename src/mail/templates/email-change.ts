import type { MailContent } from '../mail-content';
import { htmlMail, lifetime, LinkMailValues, textMail } from './layout';

/**
 * Sent to the new address of an owner's email change: following the link makes the change. The
 * address is not proven yet, so the mail says nothing the account chose (no name).
 */
export function emailChangeMail({ link, validSeconds }: LinkMailValues): MailContent {
  const paragraphs = [
    'Hello,',
    `Someone asked to use this address for their account. Confirm it to make the change. The link works once, for ${lifetime(validSeconds)}.`,
    'If you did not ask for this, ignore this mail: nothing changes.',
  ];
  return {
    subject: 'Confirm your new email address',
    text: textMail(paragraphs, link),
    html: htmlMail(paragraphs, { url: link, label: 'Confirm my new email address' }),
  };
}
