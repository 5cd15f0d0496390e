import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BoundRepository } from '../database/bound-repository';
import { queryRows } from '../database/query-rows';
import { param } from '../database/sql-parameter';
import type { AuditRecord } from './audit-record';

/** An event as stored. */
export interface AuditRow {
  id: string;
  at: Date;
  action: string;
  actor_id: number | null;
  user_id: number | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** Which events a page lists: each filter given narrows it. */
export interface AuditFilter {
  userId?: number;
  actorId?: number;
  action?: string;
  from?: Date;
  to?: Date;
}

/** How far a page's `total` counts (as the user list's). */
export const AUDIT_TOTAL_CAP = 10_000;

/**
 * The rows a statement makes or changes, for the events written with them: each event once for
 * every row of `rows` (a CTE, with a condition if need be; none, no event). What the statement
 * knows better than the event may come from the row, as SQL: the event's `userId` (the account
 * it is about), `actorId` (an account that makes itself, a session's user) and `details` (jsonb,
 * added to the event's own).
 */
export interface AuditedRows {
  rows: string;
  userId?: string;
  actorId?: string;
  details?: string;
}

/**
 * The INSERT of events, in their order, for the statement of the change they record to write
 * them with it, so that both commit or neither does: `WITH changed AS (... RETURNING *), audited
 * AS (${auditInsert(records, params, { rows: 'changed', userId: 'changed.id' })}) SELECT ...`.
 * Without `from`, the events alone. Its parameters are numbered after `params`', which it extends.
 */
export function auditInsert(records: AuditRecord[], params: unknown[], from?: AuditedRows): string {
  const selects = records.map((record) => {
    const values = [
      param(params, record.action),
      from?.actorId ?? `${param(params, record.actorId)}::integer`,
      from?.userId ?? `${param(params, record.userId)}::integer`,
      param(params, record.origin.ip),
      param(params, record.origin.requestId),
      `${param(params, JSON.stringify(record.details ?? {}))}::jsonb${from?.details ? ` || ${from.details}` : ''}`,
    ];
    return `SELECT ${values.join(', ')}${from ? ` FROM ${from.rows}` : ''}`;
  });
  // UNION ALL keeps the events' order: their ids follow it.
  return `INSERT INTO audit_events (action, actor_id, user_id, ip, request_id, details) ${selects.join(' UNION ALL ')}`;
}

/**
 * One event on `manager`'s connection: inside the transaction of another table's repository
 * when that is what it is bound to (a failure recorded where the change it refused rolls back).
 */
export async function insertEvent(manager: EntityManager, record: AuditRecord): Promise<void> {
  const params: unknown[] = [];
  await queryRows(manager, auditInsert([record], params), params);
}

/** Every statement on `audit_events` but the purge's: append, and read newest first. */
@Injectable()
export class AuditRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** An event that goes with no change of another table (a refused login): on its own. */
  insert(record: AuditRecord): Promise<void> {
    return insertEvent(this.manager, record);
  }

  /** A page of events, newest first, and how many match (counted up to AUDIT_TOTAL_CAP). */
  async page(filter: AuditFilter, page: number, limit: number): Promise<{ rows: AuditRow[]; matches: number }> {
    const params: unknown[] = [];
    const conditions = ['true'];
    if (filter.userId !== undefined) conditions.push(`user_id = ${param(params, filter.userId)}`);
    if (filter.actorId !== undefined) conditions.push(`actor_id = ${param(params, filter.actorId)}`);
    if (filter.action !== undefined) conditions.push(`action = ${param(params, filter.action)}`);
    if (filter.from !== undefined) conditions.push(`at >= ${param(params, filter.from)}`);
    if (filter.to !== undefined) conditions.push(`at <= ${param(params, filter.to)}`);
    const where = conditions.join(' AND ');
    const [{ matches }] = await queryRows<{ matches: number }>(
      this.manager,
      `SELECT count(*)::int AS matches FROM (SELECT 1 FROM audit_events WHERE ${where} LIMIT ${AUDIT_TOTAL_CAP + 1}) AS capped`,
      params,
    );
    const rows = await queryRows<AuditRow>(
      this.manager,
      `SELECT id::text AS id, at, action, actor_id, user_id, ip, request_id, details FROM audit_events
        WHERE ${where} ORDER BY audit_events.id DESC LIMIT ${param(params, limit)} OFFSET ${param(params, (page - 1) * limit)}`,
      params,
    );
    return { rows, matches };
  }
}
