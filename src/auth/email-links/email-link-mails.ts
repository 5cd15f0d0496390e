import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { MailContent } from '../../mail/mail-content';
import { Mailer } from '../../mail/mailer.service';
import { emailChangeMail } from '../../mail/templates/email-change';
import { emailChangeNoticeMail } from '../../mail/templates/email-change-notice';
import { emailChangedMail } from '../../mail/templates/email-changed';
import { invitationMail } from '../../mail/templates/invitation';
import type { LinkMailValues } from '../../mail/templates/layout';
import { resetPasswordMail } from '../../mail/templates/reset-password';
import { verifyEmailMail } from '../../mail/templates/verify-email';
import type { User } from '../../users/user.entity';
import { EmailTokenKind } from './email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';

/** The account a mail is about; its `locale` is the language of its every mail, to any of its addresses. */
type Account = Pick<User, 'id' | 'email' | 'name' | 'email_verified' | 'locale'>;

/** The links bound to the account's address: they die when it changes. */
const ADDRESS_LINKS = [EmailTokenKind.VERIFY, EmailTokenKind.RESET, EmailTokenKind.INVITE, EmailTokenKind.EMAIL_CHANGE];

/** The name a mail to `recipient` may greet: only the account's own proven address's (see greeting). */
const nameFor = (account: Account, recipient: string) =>
  account.email_verified && recipient === account.email ? account.name : undefined;

/**
 * The mails that carry a link, each written with its token in the transaction of the change
 * that calls for it, when the mail budget allows (each returns whether its mails were queued).
 * The token is 32 random bytes; only its SHA-256 is stored, with the address it went to, and a
 * new one voids the older ones of its kind.
 */
@Injectable()
export class EmailLinkMails {
  constructor(
    private readonly tokens: EmailTokensRepository,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  queueVerification(manager: EntityManager, account: Account): Promise<boolean> {
    const { verifySeconds } = this.config.emailTokens;
    return this.queueLink(manager, account, account.email, EmailTokenKind.VERIFY, 'verify-email', verifySeconds, verifyEmailMail);
  }

  queueReset(manager: EntityManager, account: Account): Promise<boolean> {
    const { resetSeconds } = this.config.emailTokens;
    return this.queueLink(manager, account, account.email, EmailTokenKind.RESET, 'reset-password', resetSeconds, resetPasswordMail);
  }

  /** An account an administrator made without a password: the link sets the first one (and proves the address). */
  queueInvitation(manager: EntityManager, account: Account): Promise<boolean> {
    const { inviteSeconds } = this.config.emailTokens;
    return this.queueLink(manager, account, account.email, EmailTokenKind.INVITE, 'accept-invite', inviteSeconds, invitationMail);
  }

  /**
   * An owner's change to `newEmail`: its link to the new address, and to the address it leaves
   * a notice whose link undoes it. Both or neither: false when the budget refuses either.
   */
  async queueEmailChange(manager: EntityManager, account: Account, newEmail: string): Promise<boolean> {
    const { verifySeconds, emailChangeCancelSeconds } = this.config.emailTokens;
    const confirm = await this.queueLink(manager, account, newEmail, EmailTokenKind.EMAIL_CHANGE, 'confirm-email-change', verifySeconds, emailChangeMail);
    if (!confirm) return false;
    const notice = (values: LinkMailValues) => emailChangeNoticeMail({ ...values, newEmail });
    return this.queueLink(manager, account, account.email, EmailTokenKind.EMAIL_CHANGE_CANCEL, 'cancel-email-change', emailChangeCancelSeconds, notice);
  }

  /** To the address an administrator's change left: no link in it, so nothing there to steal. */
  queueEmailChangedNotice(manager: EntityManager, account: Account, previousEmail: string): Promise<boolean> {
    const name = account.email_verified ? account.name : undefined;
    const { locale } = account;
    return this.mailer.queue(manager, 'email-changed', previousEmail, () => emailChangedMail({ name, newEmail: account.email, locale }));
  }

  /** The password changed: the account's reset and invitation links die with the old one. */
  voidPasswordLinks(manager: EntityManager, userId: number): Promise<void> {
    return this.tokens.on(manager).voidAll(userId, [EmailTokenKind.RESET, EmailTokenKind.INVITE]);
  }

  /** The address changed: every link sent to the old one (verify, reset, invite) or to a change it replaced dies. */
  voidAddressLinks(manager: EntityManager, userId: number): Promise<void> {
    return this.tokens.on(manager).voidAll(userId, ADDRESS_LINKS);
  }

  /** A pending change was dropped: the link that would make it dies. */
  voidEmailChangeLink(manager: EntityManager, userId: number): Promise<void> {
    return this.tokens.on(manager).voidAll(userId, [EmailTokenKind.EMAIL_CHANGE]);
  }

  /** An administrator set the address: the links that undo owners' changes die too. */
  voidAllLinks(manager: EntityManager, userId: number): Promise<void> {
    return this.tokens.on(manager).voidAll(userId, [...ADDRESS_LINKS, EmailTokenKind.EMAIL_CHANGE_CANCEL]);
  }

  /** A token of `kind` for `recipient`, stored as its hash, and the mail whose link to `page` carries it. */
  private queueLink(
    manager: EntityManager,
    account: Account,
    recipient: string,
    kind: EmailTokenKind,
    page: string,
    validSeconds: number,
    template: (values: LinkMailValues) => MailContent,
  ): Promise<boolean> {
    return this.mailer.queue(manager, page, recipient, async () => {
      const token = newSecretToken();
      await this.tokens.on(manager).issue(sha256Hex(token), account.id, kind, recipient, validSeconds);
      const { locale } = account;
      return template({ name: nameFor(account, recipient), link: this.mailer.link(page, token), validSeconds, locale });
    });
  }
}
