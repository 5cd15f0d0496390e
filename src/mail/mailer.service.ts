import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MailBudget } from './mail-budget';
import type { MailContent } from './mail-content';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailOutboxWorker } from './mail-outbox.worker';

/** How features send mail: written in their own transaction, delivered by the outbox worker. */
@Injectable()
export class Mailer {
  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly worker: MailOutboxWorker,
    private readonly budget: MailBudget,
    private readonly config: AppConfig,
  ) {}

  /**
   * Writes a mail of `kind` to `to` on `manager`, the transaction of the change that causes it,
   * when the mail budget allows it; only then is `content` made (a link's token is issued by it,
   * so that a refused mail voids no earlier link). Returns whether the mail was queued.
   */
  async queue(manager: EntityManager, kind: string, to: string, content: () => MailContent | Promise<MailContent>): Promise<boolean> {
    if (await this.budget.spend(to, kind)) return false;
    await this.outbox.on(manager).insert({ kind, to, ...(await content()) });
    return true;
  }

  /** Delivery now rather than at the next poll: call once the transaction that queued mail committed. */
  deliverSoon(): void {
    this.worker.wake();
  }

  /** A link carrying a token to a page: the frontend's (APP_URL) or the service's own (PUBLIC_URL). */
  link(page: string, token: string): string {
    return `${this.config.mail.linkBaseUrl}/${page}?token=${encodeURIComponent(token)}`;
  }
}
