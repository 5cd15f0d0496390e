import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';

/**
 * The throttler of the @RateLimited() routes: RATE_LIMIT_AUTH_PER_MINUTE requests a minute from
 * one client address, counted across all of them (the bucket is the address alone). Over it:
 * 429 with Retry-After, which the throttler sets before this throws. AuthRateLimitGuard calls it.
 */
@Injectable()
export class RateLimitThrottler extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    { timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    throw problem(ErrorCode.RATE_LIMITED, `Too many requests from this address. Try again in ${timeToBlockExpire} seconds.`);
  }
}
