import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import { AdminRoute } from '../access/route-access.decorators';
import { AuditService } from './audit.service';
import { toAuditEventView } from './dto/audit-event.view';
import { AuditPageDto } from './dto/audit-page.dto';
import { AuditQueryDto } from './dto/audit-query.dto';

/** The whole trail, for administrators. */
@ApiTags('audit')
@AdminRoute()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ operationId: 'adminListAudit', summary: 'The audit trail: who changed what, and when; newest first' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN)
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const filter = {
      userId: query.user_id,
      actorId: query.actor_id,
      action: query.action,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    };
    const { rows, total, totalIsCapped } = await this.audit.page(filter, query.page, query.limit);
    return { data: rows.map(toAuditEventView), page: query.page, limit: query.limit, total, total_is_capped: totalIsCapped };
  }
}
