import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCode } from '../common/error-code.enum';
import { problem } from '../common/problem.exception';
import { RATE_LIMITED } from '../common/rate-limited.decorator';

/**
 * Global, after the access-token guard: RATE_LIMIT_AUTH_PER_MINUTE requests a minute from one
 * client address, counted across every @RateLimited() route (the bucket is the address alone);
 * other routes are not counted. Over it: 429 with Retry-After, which the throttler sets before
 * this throws.
 */
@Injectable()
export class AuthRateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.reflector.getAllAndOverride<boolean>(RATE_LIMITED, [context.getHandler(), context.getClass()]);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    { timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    throw problem(ErrorCode.RATE_LIMITED, `Too many requests from this address. Try again in ${timeToBlockExpire} seconds.`);
  }
}
