import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

/** At most this many mails of one kind go to one recipient an hour. */
export const MAILS_PER_RECIPIENT_HOUR = 5;
const HOUR_MS = 3_600_000;
/** Refusals are counted, and told in one log line a minute at most. */
const REPORT_EVERY_MS = 60_000;

/** Why a mail was refused: its recipient had the hour's mails of its kind, or the service had its hour's total. */
export type MailRefusal = 'recipient' | 'hourly';

/**
 * How many mails may be queued: MAILS_PER_RECIPIENT_HOUR of a kind to one recipient, and
 * MAIL_MAX_PER_HOUR in all, each spent in one atomic step of the rate limit's store (in memory,
 * or Redis shared by every instance), so that requests sent all at once cannot all pass a count
 * made before any of them is written. A spent mail whose transaction then fails is not given
 * back: the budget errs on the side of fewer mails.
 */
@Injectable()
export class MailBudget implements OnApplicationShutdown {
  private readonly logger = new Logger(MailBudget.name);
  private readonly refused: Record<MailRefusal, number> = { recipient: 0, hourly: 0 };
  private report?: NodeJS.Timeout;

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  /** Spends one mail of `kind` to `recipient`; returns why it may not go, or undefined when it may. */
  async spend(recipient: string, kind: string): Promise<MailRefusal | undefined> {
    const refusal =
      ((await this.over(`${kind}:${recipient}`, MAILS_PER_RECIPIENT_HOUR)) && 'recipient') ||
      ((await this.over('all', this.config.mail.maxPerHour)) && 'hourly') ||
      undefined;
    if (refusal) this.count(refusal);
    return refusal;
  }

  onApplicationShutdown(): void {
    this.flush();
  }

  private async over(key: string, limit: number): Promise<boolean> {
    const { isBlocked } = await this.storage.increment(`mail:${key}`, HOUR_MS, limit, HOUR_MS, 'mail');
    return isBlocked;
  }

  private count(refusal: MailRefusal): void {
    this.refused[refusal] += 1;
    this.report ??= setTimeout(() => this.flush(), REPORT_EVERY_MS).unref();
  }

  /** One line for the refusals since the last: how many, and why (no address: they are people's). */
  private flush(): void {
    clearTimeout(this.report);
    this.report = undefined;
    const { recipient, hourly } = this.refused;
    if (recipient + hourly === 0) return;
    this.logger.warn(
      `Mail budget: ${recipient + hourly} mails not queued (${recipient} over a recipient's ${MAILS_PER_RECIPIENT_HOUR} an hour, ${hourly} over MAIL_MAX_PER_HOUR)`,
    );
    this.refused.recipient = 0;
    this.refused.hourly = 0;
  }
}
