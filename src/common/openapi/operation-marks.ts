import { ApiExtension } from '@nestjs/swagger';

/**
 * Marks that route decorators leave on an operation of the OpenAPI document, for
 * complete-contract.ts to turn into what they mean there (and then remove): a public route's
 * `security`, a rate-limited route's X-RateLimit-* headers.
 */
export const PUBLIC_MARK = 'x-public';
export const RATE_LIMITED_MARK = 'x-rate-limited';

/** On a route (or every route of a controller) that anyone may call. */
export const ApiPublic = () => ApiExtension(PUBLIC_MARK, true);

/** On a route (or every route of a controller) that spends the per-address rate limit. */
export const ApiRateLimited = () => ApiExtension(RATE_LIMITED_MARK, true);
