import { Logger } from '@nestjs/common';
import { DeliverableMail, MailTransport } from './mail-transport';

/** A URL in text, without the punctuation that may end its sentence. */
const LINK = /https?:\/\/[^\s<>"]*[^\s<>".,;:!?)]/g;

/**
 * MAIL_TRANSPORT=log, the default outside production: each mail is one log line with its
 * recipient, subject and links, so that someone trying the service with `npm start` can click
 * a verification or reset link. The links carry live tokens: production must choose this on purpose.
 */
export class LogMailTransport extends MailTransport {
  private readonly logger = new Logger('Mail');

  async send(mail: DeliverableMail): Promise<void> {
    const links = [...new Set((mail.text ?? '').match(LINK) ?? [])];
    this.logger.log({ mail: { to: mail.recipient, subject: mail.subject, kind: mail.kind, links } });
  }
}
