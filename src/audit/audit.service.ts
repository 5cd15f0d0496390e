import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditRecord } from './audit-record';
import { AuditFilter, AuditRepository, AuditRow, AUDIT_TOTAL_CAP } from './audit.repository';

/** A page of the trail, as the API answers it. */
export interface AuditPage {
  rows: AuditRow[];
  total: number;
  totalIsCapped: boolean;
}

/**
 * The audit trail. A change writes its event with `record`, on the manager of its own transaction,
 * so that both commit or neither does; an event of no change (a failed login) on its own.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(record: AuditRecord, manager?: EntityManager): Promise<void> {
    return (manager ? this.audit.on(manager) : this.audit).insert(record);
  }

  async page(filter: AuditFilter, page: number, limit: number): Promise<AuditPage> {
    const { rows, matches } = await this.audit.page(filter, page, limit);
    return { rows, total: Math.min(matches, AUDIT_TOTAL_CAP), totalIsCapped: matches > AUDIT_TOTAL_CAP };
  }
}
