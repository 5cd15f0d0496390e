import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiPublic } from '../common/openapi/operation-marks';

export const IS_PUBLIC = 'isPublic';

/**
 * A route anyone may call: the global access-token guard lets it through without a token
 * (reading one when it is sent). Every other route needs a valid access token. The OpenAPI
 * document says so (`security: []`, or bearer-or-none where the route also declares a bearer).
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiPublic());
