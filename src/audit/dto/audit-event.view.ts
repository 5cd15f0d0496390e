import { ApiProperty } from '@nestjs/swagger';
import { AuditAction } from '../audit-action.enum';
import type { AuditRow } from '../audit.repository';

/** An audit event as the API shows it. */
export class AuditEventView {
  @ApiProperty({ example: 42, description: 'increasing: a later event has a larger id' }) id: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: AuditAction, enumName: 'AuditAction' }) action: AuditAction;
  @ApiProperty({
    enum: ['self', 'administrator', 'anonymous'],
    description: "who made the request: the account's owner, an administrator, or nobody logged in",
  })
  actor: 'self' | 'administrator' | 'anonymous';
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "the account that made the request; null when none did, and in a user's own activity when it was an administrator",
  })
  actor_id: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'the account the event is about; null for a login to no account' })
  user_id: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '203.0.113.7',
    description: "where the request came from; null in a user's own activity when an administrator made it",
  })
  ip: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the X-Request-Id of the request, as its log line has it' })
  request_id: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { fields: ['name', 'phone_number'] },
    description: 'what the action says more: field names, old and new role or activity, the session ended, a reason. Never a secret',
  })
  details: Record<string, unknown>;
}

export function toAuditEventView(row: AuditRow): AuditEventView {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    action: row.action as AuditAction,
    actor: row.actor_id === null ? 'anonymous' : row.actor_id === row.user_id ? 'self' : 'administrator',
    actor_id: row.actor_id,
    user_id: row.user_id,
    ip: row.ip,
    request_id: row.request_id,
    details: row.details,
  };
}

/**
 * An event of a user's own activity: an administrator's request shows as such, without the
 * administrator's account, address or request id, which are the administrators' business.
 */
export function toActivityEventView(row: AuditRow): AuditEventView {
  const view = toAuditEventView(row);
  return view.actor === 'administrator' ? { ...view, actor_id: null, ip: null, request_id: null } : view;
}
