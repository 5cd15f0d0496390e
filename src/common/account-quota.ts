import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ErrorCode } from './problems/error-code.enum';
import { problem } from './problems/problem.exception';

/** A budget of one kind of action per account: `limit` in each window of `windowSeconds`. */
export interface Quota {
  /** Names the counter: `avatar-upload`, `email-change`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Per-account budgets of the actions that cost the service something (a picture's decode, a mail
 * to an address nobody proved), counted atomically in the rate limit's store: in memory, or in
 * Redis shared by every instance. Provided by AuthModule, beside the throttler it shares.
 */
@Injectable()
export class AccountQuota {
  constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

  /** Spends one of the account's `quota`, or refuses with 429 RATE_LIMITED and Retry-After. */
  async spend(quota: Quota, userId: number): Promise<void> {
    const windowMs = quota.windowSeconds * 1000;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      `${quota.name}:${userId}`,
      windowMs,
      quota.limit,
      windowMs,
      'account',
    );
    if (!isBlocked) return;
    const seconds = Math.max(1, timeToBlockExpire);
    throw problem(ErrorCode.RATE_LIMITED, { key: 'problems.limits.account', params: { count: seconds } }, {
      headers: { 'Retry-After': String(seconds) },
    });
  }
}
