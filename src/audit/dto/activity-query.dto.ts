import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsShallowPage, MAX_LIMIT, MAX_OFFSET, wholeNumber } from '../../common/validation/query-fields';

const DEFAULT_LIMIT = 20;

/** GET /users/activity: a page of the caller's own events, newest first. */
export class ActivityQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1, description: `it may skip at most ${MAX_OFFSET} events ((page - 1) × limit)` })
  @wholeNumber('page', 1)
  @IsShallowPage(false)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @wholeNumber('limit', 1, MAX_LIMIT)
  limit = DEFAULT_LIMIT;
}
