import type { ClientOrigin } from '../../common/http/client-origin';
import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { Mailer } from '../../mail/mailer.service';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { assertStrongPassword } from '../../users/password-policy';
import type { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { EmailTokenKind } from './email-token.entity';
import { EmailLinkMails } from './email-link-mails';
import { EmailTokensRepository, PageLink } from './email-tokens.repository';
import { mailRefused } from './mail-refused';
import { sha256Hex } from '../tokens/secret-token';

/**
 * What the links sent by mail do: prove an email address, reset a forgotten password, make or
 * undo an owner's email change. Each works once, and only while the account's address is the
 * one it was sent to (the change's link: while the change waits).
 */
@Injectable()
export class EmailLinksService {
  private readonly logger = new Logger(EmailLinksService.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: EmailTokensRepository,
    private readonly mails: EmailLinkMails,
    private readonly mailer: Mailer,
  ) {}

  /** POST /auth/verify-email/request: a new verification mail to the caller's address, within the mail budget (else 429). */
  async requestVerification(caller: AuthenticatedUser): Promise<void> {
    const user = await this.users.callerAccount(caller);
    if (user.email_verified) throw problem(ErrorCode.EMAIL_ALREADY_VERIFIED);
    await this.tokens.transaction(async ({ manager }) => {
      if (!(await this.mails.queueVerification(manager, user))) throw mailRefused();
    });
    this.mailer.deliverSoon();
  }

  /**
   * The link's token while it is usable for one of `kinds`, and the language of its account,
   * without spending it: a page looks before it offers the step (what a link preview or a mail
   * scanner fetches does nothing).
   */
  pageLink(token: string, kinds: EmailTokenKind[]): Promise<PageLink> {
    return this.tokens.pageLink(sha256Hex(token), kinds);
  }

  /** POST /auth/verify-email: the link proves the address it was sent to, if it is still the account's. */
  async verifyEmail(token: string, origin: ClientOrigin): Promise<User> {
    const spent = await this.tokens.spend(sha256Hex(token), [EmailTokenKind.VERIFY]);
    if (!spent) throw problem(ErrorCode.INVALID_TOKEN);
    const link = { email: spent.email, purpose: 'address' } as const;
    return this.users.change({ id: spent.user_id }, { email_verified: true }, { context: { actorId: spent.user_id, origin }, link });
  }

  /**
   * POST /auth/password/forgot answers 202 at once whatever the address, and the work goes on
   * behind the answer: so the answer and its time are the same whether the account exists.
   */
  forgotPassword(email: string): void {
    // `email` comes normalised by the DTO's EmailField.
    this.sendReset(email).catch((error: unknown) =>
      this.logger.warn(`A password reset mail was not queued: ${(error as Error).message}`),
    );
  }

  /**
   * POST /auth/password/reset: sets the password (every session ends, a lockout is lifted, the
   * other reset links die) and, as the link proved the address, marks it verified. The link must
   * have gone to the account's present address, and the account be active.
   */
  async resetPassword(token: string, password: string, origin: ClientOrigin): Promise<void> {
    const hash = sha256Hex(token);
    const kinds = [EmailTokenKind.RESET, EmailTokenKind.INVITE];
    const usable = await this.tokens.findUsable(hash, kinds);
    const user = usable && (await this.users.findById(usable.user_id));
    if (!usable || !user || !user.is_active || user.email !== usable.email) throw problem(ErrorCode.INVALID_TOKEN);
    // Before the token is spent: a weak password must leave the link usable.
    assertStrongPassword(password, user, 'new_password');
    if (!(await this.tokens.spend(hash, kinds))) throw problem(ErrorCode.INVALID_TOKEN);
    // The link's holder is the account's owner: the actor of its events.
    const link = { email: usable.email, purpose: 'address' } as const;
    await this.users.change({ id: user.id }, { password }, { context: { actorId: user.id, origin }, link });
  }

  /** POST /auth/email-change/confirm: the new address followed its link; the change is made. */
  confirmEmailChange(token: string, origin: ClientOrigin): Promise<User> {
    return this.tokens.transaction(async (tokens) => {
      const spent = await tokens.spend(sha256Hex(token), [EmailTokenKind.EMAIL_CHANGE]);
      if (!spent) throw problem(ErrorCode.INVALID_TOKEN);
      const link = { email: spent.email, purpose: 'email-change' } as const;
      const context = { actorId: spent.user_id, origin };
      return this.users.change({ id: spent.user_id }, { email: spent.email }, { context, link, manager: tokens.manager });
    });
  }

  /**
   * POST /auth/email-change/cancel: the address a change left followed its link; the account has
   * it again, every session ends, and so do the links of the changes made after that one.
   */
  cancelEmailChange(token: string, origin: ClientOrigin): Promise<User> {
    const hash = sha256Hex(token);
    return this.tokens.transaction(async (tokens) => {
      const spent = await tokens.spend(hash, [EmailTokenKind.EMAIL_CHANGE_CANCEL]);
      if (!spent) throw problem(ErrorCode.INVALID_TOKEN);
      const link = { email: spent.email, purpose: 'email-change-undo' } as const;
      const context = { actorId: spent.user_id, origin };
      const user = await this.users.change({ id: spent.user_id }, { email: spent.email }, { context, link, manager: tokens.manager });
      await tokens.voidLaterCancelLinks(user.id, hash);
      return user;
    });
  }

  private async sendReset(email: string): Promise<void> {
    const user = await this.users.findByLogin({ email });
    if (!user || !user.is_active) return;
    // Over the mail budget nothing is sent, and the 202 says nothing of it.
    await this.tokens.transaction(({ manager }) => this.mails.queueReset(manager, user));
    this.mailer.deliverSoon();
  }
}
