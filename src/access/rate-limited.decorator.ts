import { SetMetadata } from '@nestjs/common';

export const RATE_LIMITED = 'rateLimited';

/**
 * A route that spends the per-address budget of RATE_LIMIT_AUTH_PER_MINUTE: every route that
 * checks a password or issues tokens. The global rate-limit guard counts only these.
 */
export const RateLimited = () => SetMetadata(RATE_LIMITED, true);
