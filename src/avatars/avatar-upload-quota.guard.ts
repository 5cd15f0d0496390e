import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AccountQuota, Quota } from '../common/account-quota';
import { ProblemException } from '../common/problems/problem.exception';
import { AppConfig } from '../config/app-config';
import type { AuthenticatedUser } from '../access/authenticated-user';

/**
 * Spends one of the caller's AVATAR_UPLOADS_PER_HOUR on an upload route, after the global guards
 * (a token, the admin's role) and before a byte of the upload is read or decoded: past it, 429
 * RATE_LIMITED with Retry-After. An administrator's upload for another account is the
 * administrator's. The refused upload is not read: its connection closes (lingering-close.ts).
 */
@Injectable()
export class AvatarUploadQuotaGuard implements CanActivate {
  private readonly quota: Quota;

  constructor(
    private readonly quotas: AccountQuota,
    config: AppConfig,
  ) {
    this.quota = { name: 'avatar-upload', limit: config.avatarUploadsPerHour, windowSeconds: 3600 };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { user } = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
    try {
      await this.quotas.spend(this.quota, user.id);
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      const headers = { ...error.headers, connection: 'close' };
      throw new ProblemException(error.getStatus(), error.code, error.detailMessage, error.fieldProblems, headers);
    }
    return true;
  }
}
