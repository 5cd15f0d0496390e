import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../database/bound-repository';
import { queryRows } from '../database/query-rows';
import type { OutgoingMail } from './mail-content';
import type { OutboxMail } from './outbox-mail.entity';

/** Every statement on `mail_outbox`; MailOutboxWorker holds the delivery rules. */
@Injectable()
export class MailOutboxRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** Bound to the transaction of the change that causes the mail: it exists only if that commits. */
  async insert(mail: OutgoingMail): Promise<void> {
    await this.manager.query(
      'INSERT INTO mail_outbox (kind, recipient, subject, text, html) VALUES ($1, $2, $3, $4, $5)',
      [mail.kind, mail.to, mail.subject, mail.text, mail.html],
    );
  }

  /**
   * Claims up to `limit` due mails for `leaseSeconds`, in the statement that picks them: their
   * next try moves past the lease and their attempts count up, and rows another worker holds
   * are skipped. So no two workers send one mail at once, and the rows of a worker that dies
   * mid-send go to the next one once the lease is over.
   */
  claimDue(limit: number, leaseSeconds: number): Promise<OutboxMail[]> {
    return queryRows<OutboxMail>(
      this.manager,
      `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 second'
        WHERE id IN (
          SELECT id FROM mail_outbox
           WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED
        )
        RETURNING *`,
      [limit, leaseSeconds],
    );
  }

  /** Delivered: the body, which may carry a token's link, is not kept. */
  async markSent(id: number): Promise<void> {
    await this.manager.query(
      'UPDATE mail_outbox SET sent_at = now(), text = NULL, html = NULL, last_error = NULL WHERE id = $1',
      [id],
    );
  }

  async retryLater(id: number, delaySeconds: number, error: string): Promise<void> {
    await this.manager.query(
      `UPDATE mail_outbox SET next_attempt_at = now() + $2 * interval '1 second', last_error = $3 WHERE id = $1`,
      [id, delaySeconds, error],
    );
  }

  /** The last try failed: the row stays, with its error, for an operator; the body goes. */
  async giveUp(id: number, error: string): Promise<void> {
    await this.manager.query(
      'UPDATE mail_outbox SET failed_at = now(), last_error = $2, text = NULL, html = NULL WHERE id = $1',
      [id, error],
    );
  }
}
