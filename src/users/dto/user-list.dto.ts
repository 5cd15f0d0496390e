import { ApiProperty } from '@nestjs/swagger';
import { UserView } from '../user-view';
import { encodeCursor } from './list-users-query.dto';

/**
 * How far the list's `total` counts: an exact count reads every match, a million rows for an
 * unfiltered list; counting stops at one past the cap.
 */
export const TOTAL_CAP = 10_000;

export class UserListDto {
  @ApiProperty({ type: [UserView] }) data: UserView[];

  @ApiProperty({ type: Number, nullable: true, example: 1, description: 'the page asked for; null for a page asked by cursor' })
  page: number | null;

  @ApiProperty({ example: 20 }) limit: number;

  @ApiProperty({
    example: 42,
    description: `users matching the filters on all pages, counted up to ${TOTAL_CAP}: when more match, ${TOTAL_CAP} (see total_is_capped)`,
  })
  total: number;

  @ApiProperty({ example: false, description: `true when more than ${TOTAL_CAP} users match: total is then ${TOTAL_CAP}, not the count` })
  total_is_capped: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: encodeCursor({ sort: 'id', value: 42, id: 42 }),
    description:
      'the page after this one: pass it as `cursor`, with the same `sort` (and filters); null on the last page. Opaque.',
  })
  next_cursor: string | null;
}
