import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { RATE_LIMITED } from '../../access/rate-limited.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';

/**
 * Global, after the roles guard: the throttler of the @RateLimited() routes, other routes skipped.
 * RATE_LIMIT_AUTH_PER_MINUTE requests a minute from one client address, counted across all of
 * them (the bucket is the address alone). Over it: 429 with Retry-After, which the throttler sets
 * before this throws.
 */
@Injectable()
export class RateLimitThrottler extends ThrottlerGuard {
  /** Returns true for a route without @RateLimited(): only those spend the address's budget. */
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.reflector.getAllAndOverride<boolean>(RATE_LIMITED, [context.getHandler(), context.getClass()]);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    { timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    throw problem(ErrorCode.RATE_LIMITED, {
      key: 'problems.limits.address',
      params: { count: timeToBlockExpire },
    });
  }
}
