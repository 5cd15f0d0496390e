import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { errorLine } from '../common/error-line';
import { AppConfig } from '../config/app-config';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailTransport } from './mail-transport';
import type { OutboxMail } from './outbox-mail.entity';

/** How often an idle worker looks for due mail. */
const POLL_MS = 1_000;
/** Rows claimed at a time. */
const BATCH = 20;
/** How long a claimed row is this worker's: well over the SMTP transport's timeouts. */
const LEASE_SECONDS = 60;

/** The wait before try `attempts + 1`: 1 s, doubling, at most a minute. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers the outbox, in every instance: claims due rows (no two instances get one row),
 * sends each through the transport, then marks it sent, or schedules the next try with a
 * backoff, or after MAIL_MAX_ATTEMPTS gives it up. SMTP down fails no request: the rows wait.
 */
@Injectable()
export class MailOutboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private stopped = false;
  /** Whether the last drain failed on the database: its error is logged once, not every second. */
  private failing = false;
  private readonly logger = new Logger(MailOutboxWorker.name);

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly transport: MailTransport,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.wake();
  }

  /** Delivers what is due now rather than at the next poll (after a change that wrote mail commits). */
  wake(): void {
    if (this.stopped || this.draining) return;
    clearTimeout(this.timer);
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.wake(), POLL_MS).unref();
    });
  }

  /**
   * Lets the mail being sent finish, then stops, before the database closes (module destruction
   * comes before application shutdown); what is left waits in the table for any instance.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
    this.transport.close();
  }

  private async drain(): Promise<void> {
    try {
      for (let batch = await this.outbox.claimDue(BATCH, LEASE_SECONDS); batch.length > 0; ) {
        for (const mail of batch) {
          // The rest of a claimed batch goes to any worker once its lease is over.
          if (this.stopped) return;
          await this.deliver(mail);
        }
        batch = this.stopped ? [] : await this.outbox.claimDue(BATCH, LEASE_SECONDS);
      }
      this.failing = false;
    } catch (error) {
      // The database is away: the rows are safe in it, and the next poll tries again.
      if (!this.failing) this.logger.warn(`Mail outbox unavailable: ${errorLine(error)}`);
      this.failing = true;
    }
  }

  private async deliver(mail: OutboxMail): Promise<void> {
    try {
      await this.transport.send(mail);
    } catch (error) {
      const reason = errorLine(error);
      if (mail.attempts >= this.config.mail.maxAttempts) {
        this.logger.error(`Mail ${mail.id} (${mail.kind}) given up after ${mail.attempts} tries: ${reason}`);
        return this.outbox.giveUp(mail.id, reason);
      }
      return this.outbox.retryLater(mail.id, retryDelaySeconds(mail.attempts), reason);
    }
    await this.outbox.markSent(mail.id);
  }
}
