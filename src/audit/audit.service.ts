import { Injectable } from '@nestjs/common';
import type { AuditRecord } from './audit-record';
import { AuditFilter, AuditRepository, AuditRow, AUDIT_TOTAL_CAP } from './audit.repository';

/** A page of the trail, as the API answers it. */
export interface AuditPage {
  rows: AuditRow[];
  total: number;
  totalIsCapped: boolean;
}

/**
 * The audit trail. A change's events are written by the change's own statement (auditInsert, in
 * the repository of the table it changes), so that both commit or neither does; `record` writes
 * an event of no change (a refused login, a lockout lifted) on its own.
 */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(record: AuditRecord): Promise<void> {
    return this.audit.insert(record);
  }

  async page(filter: AuditFilter, page: number, limit: number): Promise<AuditPage> {
    const { rows, matches } = await this.audit.page(filter, page, limit);
    return { rows, total: Math.min(matches, AUDIT_TOTAL_CAP), totalIsCapped: matches > AUDIT_TOTAL_CAP };
  }
}
