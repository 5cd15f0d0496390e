import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { OutgoingMail } from './mail-content';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailOutboxWorker } from './mail-outbox.worker';

/** How features send mail: written in their own transaction, delivered by the outbox worker. */
@Injectable()
export class Mailer {
  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly worker: MailOutboxWorker,
    private readonly config: AppConfig,
  ) {}

  /** Writes the mail on `manager`, the transaction of the change that causes it. */
  async queue(manager: EntityManager, mail: OutgoingMail): Promise<void> {
    await this.outbox.on(manager).insert(mail);
  }

  /** Delivery now rather than at the next poll: call once the transaction that queued mail committed. */
  deliverSoon(): void {
    this.worker.wake();
  }

  /**
   * Mails of `kind` queued for `recipient` in the last `seconds`, read on `manager`: inside a
   * transaction it must be the transaction's (embedded PGlite has one connection).
   */
  recentCount(manager: EntityManager, recipient: string, kind: string, seconds: number): Promise<number> {
    return this.outbox.on(manager).countRecent(recipient, kind, seconds);
  }

  /** A link to a page of the frontend (APP_URL) carrying a token. */
  link(page: string, token: string): string {
    return `${this.config.mail.appUrl}/${page}?token=${encodeURIComponent(token)}`;
  }
}
