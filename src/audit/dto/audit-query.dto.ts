import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, ValidateBy } from 'class-validator';
import { fieldMessage } from '../../common/validation/field-message';
import { whenGiven, wholeNumber } from '../../common/validation/query-fields';
import { AuditAction } from '../audit-action.enum';
import { ActivityQueryDto } from './activity-query.dto';

const INT4_MAX = 2_147_483_647;
const ACTIONS = Object.values(AuditAction);

const instant = (field: string) =>
  applyDecorators(
    whenGiven,
    IsISO8601({ strict: true, strictSeparator: true }, { message: fieldMessage('validation.field.dateTime', { field }) }),
  );

/** `to` not before `from`, when both are dates. */
const NotBeforeFrom = () =>
  ValidateBy({
    name: 'notBeforeFrom',
    validator: {
      validate: (to, args) => {
        const { from } = args?.object as AuditQueryDto;
        return from === undefined || to === undefined || Date.parse(String(to)) >= Date.parse(String(from));
      },
      defaultMessage: fieldMessage('validation.list.toBeforeFrom'),
    },
  });

/** GET /api/audit: filters, each narrowing the events; a page of them, newest first. */
export class AuditQueryDto extends ActivityQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: "the account the event is about" })
  @wholeNumber('user_id', 1, INT4_MAX)
  user_id?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'the account that made the request' })
  @wholeNumber('actor_id', 1, INT4_MAX)
  actor_id?: number;

  @ApiPropertyOptional({ enum: AuditAction, enumName: 'AuditAction' })
  @(applyDecorators(whenGiven, IsEnum(AuditAction, { message: fieldMessage('validation.field.oneOf', { field: 'action', values: ACTIONS.join(', ') }) })))
  action?: AuditAction;

  @ApiPropertyOptional({ format: 'date-time', description: 'events at or after this time' })
  @instant('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'events at or before this time' })
  @instant('to')
  @NotBeforeFrom()
  to?: string;
}
