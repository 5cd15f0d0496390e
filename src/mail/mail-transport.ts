import type { OutboxMail } from './outbox-mail.entity';

/** What a transport needs of an outbox row. */
export type DeliverableMail = Pick<OutboxMail, 'id' | 'kind' | 'recipient' | 'subject' | 'text' | 'html' | 'created_at'>;

/** Where the outbox worker hands each mail: SMTP, or the log (MAIL_TRANSPORT). Throws when it was not accepted. */
export abstract class MailTransport {
  abstract send(mail: DeliverableMail): Promise<void>;

  close(): void {}
}
