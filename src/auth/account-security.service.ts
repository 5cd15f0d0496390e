import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';
import { AccountSecurity } from '../users/account-security';
import { PasswordService } from '../users/password.service';
import type { User } from '../users/user.entity';
import { accountNames, LoginAttempts } from './lockout/login-attempts';
import { EmailLinkMails } from './email-links/email-link-mails';
import { SessionsRepository } from './sessions/sessions.repository';
import { mailRefused } from './email-links/mail-refused';

/** Authentication's side of the users domain's seam: lockouts, sessions and the links sent by mail. */
@Injectable()
export class AuthAccountSecurity extends AccountSecurity {
  constructor(
    private readonly passwords: PasswordService,
    private readonly attempts: LoginAttempts,
    private readonly sessions: SessionsRepository,
    private readonly mails: EmailLinkMails,
  ) {
    super();
  }

  /** A stolen token is no free password oracle: each try counts like a login. */
  async verifyPassword(user: User, password: string, address: string): Promise<void> {
    const attempt = await this.attempts.begin(accountNames(user), address);
    try {
      if (!(await this.passwords.verify(password, user.password_hash))) {
        await attempt.failed();
        throw problem(ErrorCode.INVALID_CREDENTIALS, { key: 'problems.auth.currentPasswordWrong' });
      }
      await attempt.succeeded();
    } finally {
      await attempt.abandon();
    }
  }

  liftLockout(user: Pick<User, 'email' | 'username'>): Promise<void> {
    return this.attempts.clear(accountNames(user));
  }

  endSessions(manager: EntityManager, userId: number, exceptSessionId?: string): Promise<void> {
    return this.sessions.on(manager).revokeAllOf(userId, { exceptSessionId });
  }

  /**
   * Sign-up, or an administrator's new account: a verification (none for an address already
   * proven: the bootstrap administrator's), or an invitation when it has no password, which must
   * go: the account is refused (429) rather than made with no way in. A sign-up over the mail
   * budget is made without its mail: its owner asks for one later.
   */
  async accountCreated(manager: EntityManager, user: User): Promise<void> {
    // A provider's sign-up has a proven address and no password: nothing to mail.
    if (user.password_hash === null && !user.email_verified) {
      if (!(await this.mails.queueInvitation(manager, user))) throw mailRefused();
    } else if (!user.email_verified) {
      await this.mails.queueVerification(manager, user);
    }
  }

  async emailChangeRequested(manager: EntityManager, user: User, newEmail: string): Promise<void> {
    if (!(await this.mails.queueEmailChange(manager, user, newEmail))) throw mailRefused();
  }

  async emailChanged(manager: EntityManager, user: User, previousEmail: string, byAdministrator: boolean): Promise<void> {
    if (!byAdministrator) return this.mails.voidAddressLinks(manager, user.id);
    await this.mails.voidAllLinks(manager, user.id);
    // The administrator's change is made: over the budget, these mails are skipped.
    if (user.password_hash === null) await this.mails.queueInvitation(manager, user);
    else await this.mails.queueVerification(manager, user);
    await this.mails.queueEmailChangedNotice(manager, user, previousEmail);
  }

  emailChangeDropped(manager: EntityManager, userId: number): Promise<void> {
    return this.mails.voidEmailChangeLink(manager, userId);
  }

  passwordChanged(manager: EntityManager, userId: number): Promise<void> {
    return this.mails.voidPasswordLinks(manager, userId);
  }
}
