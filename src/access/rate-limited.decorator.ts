import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiRateLimited } from '../common/openapi/operation-marks';

export const RATE_LIMITED = 'rateLimited';

/**
 * A route that spends the per-address budget of RATE_LIMIT_AUTH_PER_MINUTE: every route that
 * checks a password or issues tokens. The global rate-limit guard counts only these; their
 * answers carry X-RateLimit-*, which the OpenAPI document declares.
 */
export const RateLimited = () => applyDecorators(SetMetadata(RATE_LIMITED, true), ApiRateLimited());
