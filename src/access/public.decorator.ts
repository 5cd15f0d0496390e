import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/**
 * A route anyone may call: the global access-token guard lets it through without a token
 * (reading one when it is sent). Every other route needs a valid access token.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
