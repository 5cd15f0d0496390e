import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
 * The INSERT of one event, its parameters numbered after `params`' (which it extends), for a
 * statement of another table to write its event with it: `WITH changed AS (...) , audit AS
 * (${insert}) ...`. `userIdSql` may name a column of a CTE, for a row the statement itself makes.
 */
export function auditInsert(record: AuditRecord, params: unknown[], from?: { userIdSql: string; table: string }): string {
  const values = [
    param(params, record.action),
    param(params, record.actorId),
    from ? from.userIdSql : param(params, record.userId),
    param(params, record.origin.ip),
    param(params, record.origin.requestId),
    `${param(params, JSON.stringify(record.details ?? {}))}::jsonb`,
  ];
  const columns = '(action, actor_id, user_id, ip, request_id, details)';
  return from
    ? `INSERT INTO audit_events ${columns} SELECT ${values.join(', ')} FROM ${from.table}`
    : `INSERT INTO audit_events ${columns} VALUES (${values.join(', ')})`;
}

/** Every statement on `audit_events` but the purge's: append, and read newest first. */
@Injectable()
export class AuditRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  async insert(record: AuditRecord): Promise<void> {
    const params: unknown[] = [];
    await queryRows(this.manager, auditInsert(record, params), params);
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
