import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';
import type { AuthenticatedUser } from '../users/authenticated-user';
import { CurrentUser } from '../users/current-user.decorator';
import { SelfProfileRoute } from '../users/route-access.decorators';
import { UsersService } from '../users/users.service';
import { AuditService } from './audit.service';
import { toActivityEventView } from './dto/audit-event.view';
import { ActivityQueryDto } from './dto/activity-query.dto';
import { AuditPageDto } from './dto/audit-page.dto';

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
    if (!(await this.users.findByCaller(caller))) throw ProblemException.unauthorized();
    const { rows, total, totalIsCapped } = await this.audit.page({ userId: caller.id }, query.page, query.limit);
    return { data: rows.map(toActivityEventView), page: query.page, limit: query.limit, total, total_is_capped: totalIsCapped };
  }
}
