import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { MailContent } from '../mail/mail-content';
import { Mailer } from '../mail/mailer.service';
import { emailChangedMail } from '../mail/templates/email-changed';
import { invitationMail } from '../mail/templates/invitation';
import { resetPasswordMail } from '../mail/templates/reset-password';
import { verifyEmailMail } from '../mail/templates/verify-email';
import type { User } from '../users/user.entity';
import { EmailTokenKind } from './email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';
import { newSecretToken, sha256Hex } from './secret-token';

type Recipient = Pick<User, 'id' | 'email' | 'name'>;
type LinkTemplate = (values: { name: string; link: string; validSeconds: number }) => MailContent;

/** At most this many mails of one kind go to one recipient in the window below. */
export const MAILS_PER_RECIPIENT_HOUR = 5;
/** The per-recipient window: an hour, in seconds (also the Retry-After of a refused request). */
export const RECIPIENT_WINDOW_SECONDS = 3_600;

/**
 * The mails that carry a link, each written with its token in the transaction of the change
 * that calls for it. The token is 32 random bytes; only its SHA-256 is stored, and a new one
 * voids the older ones of its kind.
 */
@Injectable()
export class EmailLinkMails {
  constructor(
    private readonly tokens: EmailTokensRepository,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  /** Skipped when the address had its hour's share of verification mails: no inbox is flooded through us. */
  async queueVerification(manager: EntityManager, user: Recipient): Promise<void> {
    if (!(await this.underHourlyLimit(manager, user.email, 'verify-email'))) return;
    const { verifySeconds } = this.config.emailTokens;
    await this.queueLink(manager, user, EmailTokenKind.VERIFY, 'verify-email', 'verify-email', verifySeconds, verifyEmailMail);
  }

  queueReset(manager: EntityManager, user: Recipient): Promise<void> {
    const { resetSeconds } = this.config.emailTokens;
    return this.queueLink(manager, user, EmailTokenKind.RESET, 'reset-password', 'reset-password', resetSeconds, resetPasswordMail);
  }

  /** An account an administrator made without a password: the link sets the first one (and proves the address). */
  queueInvitation(manager: EntityManager, user: Recipient): Promise<void> {
    const { inviteSeconds } = this.config.emailTokens;
    return this.queueLink(manager, user, EmailTokenKind.INVITE, 'invitation', 'accept-invite', inviteSeconds, invitationMail);
  }

  /** To the address an account left: no link in it, so nothing there to steal. */
  async queueEmailChangedNotice(manager: EntityManager, user: Recipient, previousEmail: string): Promise<void> {
    if (!(await this.underHourlyLimit(manager, previousEmail, 'email-changed'))) return;
    const content = emailChangedMail({ name: user.name, newEmail: user.email });
    await this.mailer.queue(manager, { kind: 'email-changed', to: previousEmail, ...content });
  }

  /** Fewer than MAILS_PER_RECIPIENT_HOUR mails of `kind` to `recipient` in the last hour. */
  async underHourlyLimit(manager: EntityManager, recipient: string, kind: string): Promise<boolean> {
    return (await this.mailer.recentCount(manager, recipient, kind, RECIPIENT_WINDOW_SECONDS)) < MAILS_PER_RECIPIENT_HOUR;
  }

  /** The password changed: the account's reset and invitation links die with the old one. */
  voidPasswordLinks(manager: EntityManager, userId: number): Promise<void> {
    return this.tokens.on(manager).voidAll(userId, [EmailTokenKind.RESET, EmailTokenKind.INVITE]);
  }

  /** A new token of `kind` for the user, stored as its hash, and the mail whose link to `page` carries it. */
  private async queueLink(
    manager: EntityManager,
    user: Recipient,
    kind: EmailTokenKind,
    mailKind: string,
    page: string,
    validSeconds: number,
    template: LinkTemplate,
  ): Promise<void> {
    const token = newSecretToken();
    await this.tokens.on(manager).issue(sha256Hex(token), user.id, kind, user.email, validSeconds);
    const link = this.mailer.link(page, token);
    await this.mailer.queue(manager, { kind: mailKind, to: user.email, ...template({ name: user.name, link, validSeconds }) });
  }
}
