import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RATE_LIMITED } from '../../access/rate-limited.decorator';
import { routeMetadata } from '../../common/route-metadata';
import { RateLimitThrottler } from './rate-limit.throttler';

/**
 * Global, after the access-token guard: @RateLimited() routes go through the throttler; other
 * routes pass at once, without a promise. (ThrottlerGuard's own canActivate is async even when
 * it skips a route: as a global guard, that made every request wait on promises, 10% of the
 * CPU of GET /users, bench/README.md.)
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly isRateLimited: (context: ExecutionContext) => boolean | undefined;

  constructor(
    reflector: Reflector,
    private readonly throttler: RateLimitThrottler,
  ) {
    this.isRateLimited = routeMetadata<boolean>(reflector, RATE_LIMITED);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.isRateLimited(context) ? this.throttler.canActivate(context) : true;
  }
}
