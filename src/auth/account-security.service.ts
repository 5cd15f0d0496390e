import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ErrorCode } from '../common/error-code.enum';
import { problem } from '../common/problem.exception';
import { AccountSecurity } from '../users/account-security';
import { PasswordService } from '../users/password.service';
import type { User } from '../users/user.entity';
import { accountKeys, accountLocked, LoginAttempts } from './login-attempts';
import { SessionsRepository } from './sessions.repository';

/** Authentication's side of the users domain's seam: lockouts and sessions. */
@Injectable()
export class AuthAccountSecurity extends AccountSecurity {
  constructor(
    private readonly passwords: PasswordService,
    private readonly attempts: LoginAttempts,
    private readonly sessions: SessionsRepository,
  ) {
    super();
  }

  /** A stolen token is no free password oracle: each try counts like a login. */
  async verifyPassword(user: User, password: string): Promise<void> {
    const keys = accountKeys(user);
    const lockedFor = await this.attempts.attemptAll(keys);
    if (lockedFor > 0) throw accountLocked(lockedFor);
    if (!(await this.passwords.verify(password, user.password_hash))) {
      throw problem(ErrorCode.INVALID_CREDENTIALS, 'The current password is wrong.');
    }
    await this.attempts.clearAll(keys);
  }

  liftLockout(user: Pick<User, 'email' | 'username'>): Promise<void> {
    return this.attempts.clearAll(accountKeys(user));
  }

  endSessions(manager: EntityManager, userId: number, exceptSessionId?: string): Promise<void> {
    return this.sessions.on(manager).revokeAllOf(userId, exceptSessionId);
  }
}
