import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_TOTAL_CAP } from '../audit.repository';
import { AuditEventView } from './audit-event.view';

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventView] }) data: AuditEventView[];
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) limit: number;
  @ApiProperty({ example: 42, description: `events matching on all pages, counted up to ${AUDIT_TOTAL_CAP} (see total_is_capped)` })
  total: number;
  @ApiProperty({ example: false, description: `true when more than ${AUDIT_TOTAL_CAP} match: total is then ${AUDIT_TOTAL_CAP}` })
  total_is_capped: boolean;
}
