import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ErrorCode } from '../common/error-code.enum';
import { problem } from '../common/problem.exception';
import { AccountSecurity } from '../users/account-security';
import { PasswordService } from '../users/password.service';
import type { User } from '../users/user.entity';
import { accountNames, LoginAttempts } from './login-attempts';
import { EmailLinkMails } from './email-link-mails';
import { SessionsRepository } from './sessions.repository';

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
        throw problem(ErrorCode.INVALID_CREDENTIALS, 'The current password is wrong.');
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
    return this.sessions.on(manager).revokeAllOf(userId, exceptSessionId);
  }

  /** Sign-up, or an administrator's new account: a verification, or an invitation when it has no password. */
  accountCreated(manager: EntityManager, user: User): Promise<void> {
    return user.password_hash === null ? this.mails.queueInvitation(manager, user) : this.mails.queueVerification(manager, user);
  }

  async emailChanged(manager: EntityManager, user: User, previousEmail: string): Promise<void> {
    await this.mails.queueVerification(manager, user);
    await this.mails.queueEmailChangedNotice(manager, user, previousEmail);
  }

  passwordChanged(manager: EntityManager, userId: number): Promise<void> {
    return this.mails.voidPasswordLinks(manager, userId);
  }
}
