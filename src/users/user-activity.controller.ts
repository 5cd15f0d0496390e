import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { SelfProfileRoute } from '../access/route-access.decorators';
import { UsersService } from './users.service';
import { AuditService } from '../audit/audit.service';
import { toActivityEventView } from '../audit/dto/audit-event.view';
import { ActivityQueryDto } from '../audit/dto/activity-query.dto';
import { AuditPageDto } from '../audit/dto/audit-page.dto';

/** The caller's own security events: what happened to their account, whoever did it. */
@SelfProfileRoute()
@Controller('users/activity')
export class UserActivityController {
  constructor(
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listActivity', summary: "Your account's security events (logins, changes, sessions ended), newest first" })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED)
  async list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ActivityQueryDto): Promise<AuditPageDto> {
    await this.users.callerAccount(caller);
    const { rows, total, totalIsCapped } = await this.audit.page({ userId: caller.id }, query.page, query.limit);
    return { data: rows.map(toActivityEventView), page: query.page, limit: query.limit, total, total_is_capped: totalIsCapped };
  }
}
