import { AuditAction } from '../audit/audit-action.enum';
import type { ClientOrigin } from '../common/client-origin';
import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '../common/error-code.enum';
import { problem, ProblemException } from '../common/problem.exception';
import { Mailer } from '../mail/mailer.service';
import type { AuthenticatedUser } from '../users/authenticated-user';
import { assertStrongPassword } from '../users/password-policy';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { EmailTokenKind } from './email-token.entity';
import { EmailLinkMails, RECIPIENT_WINDOW_SECONDS } from './email-link-mails';
import { EmailTokensRepository } from './email-tokens.repository';
import { sha256Hex } from './secret-token';

/** What the links sent by mail do: prove an email address, reset a forgotten password. Each works once. */
@Injectable()
export class EmailLinksService {
  private readonly logger = new Logger(EmailLinksService.name);

  constructor(
    private readonly users: UsersService,
    private readonly tokens: EmailTokensRepository,
    private readonly mails: EmailLinkMails,
    private readonly mailer: Mailer,
  ) {}

  /** POST /auth/verify-email/request: a new verification mail to the caller's address. */
  async requestVerification(caller: AuthenticatedUser): Promise<void> {
    const user = await this.users.findByCaller(caller);
    if (!user) throw ProblemException.unauthorized();
    if (user.email_verified) throw problem(ErrorCode.EMAIL_ALREADY_VERIFIED);
    if (!(await this.mails.underHourlyLimit(this.tokens.manager, user.email, 'verify-email'))) {
      throw problem(ErrorCode.RATE_LIMITED, 'Too many mails to this address: try again in an hour.', {
        headers: { 'Retry-After': String(RECIPIENT_WINDOW_SECONDS) },
      });
    }
    await this.tokens.transaction(({ manager }) => this.mails.queueVerification(manager, user));
    this.mailer.deliverSoon();
  }

  /** POST /auth/verify-email: the link proves the address it was sent to, if it is still the account's. */
  async verifyEmail(token: string, origin: ClientOrigin): Promise<User> {
    const spent = await this.tokens.spend(sha256Hex(token), [EmailTokenKind.VERIFY]);
    const user = spent && (await this.users.markEmailVerified(spent.user_id, spent.email, { actorId: spent.user_id, origin }));
    if (!user) throw problem(ErrorCode.INVALID_TOKEN);
    return user;
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
   * other reset links die) and, as the link proved the address, marks it verified.
   */
  async resetPassword(token: string, password: string, origin: ClientOrigin): Promise<void> {
    const hash = sha256Hex(token);
    const kinds = [EmailTokenKind.RESET, EmailTokenKind.INVITE];
    const usable = await this.tokens.findUsable(hash, kinds);
    const user = usable && (await this.users.findById(usable.user_id));
    if (!usable || !user) throw problem(ErrorCode.INVALID_TOKEN);
    // Before the token is spent: a weak password must leave the link usable.
    assertStrongPassword(password, user, 'new_password');
    if (!(await this.tokens.spend(hash, kinds))) throw problem(ErrorCode.INVALID_TOKEN);
    // The link's holder is the account's owner: the actor of both events.
    const context = { actorId: user.id, origin };
    await this.users.update(user.id, { password }, undefined, context, AuditAction.PASSWORD_RESET);
    await this.users.markEmailVerified(user.id, usable.email, context);
  }

  private async sendReset(email: string): Promise<void> {
    const user = await this.users.findByLogin({ email });
    if (!user || !user.is_active) return;
    if (!(await this.mails.underHourlyLimit(this.tokens.manager, user.email, 'reset-password'))) return;
    await this.tokens.transaction(({ manager }) => this.mails.queueReset(manager, user));
    this.mailer.deliverSoon();
  }
}
