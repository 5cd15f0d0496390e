import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../../common/problems/api-problems.decorator';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { ApiIdParam, ApiUuidParam } from '../../common/validation/api-path-params.decorator';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { AdminRoute } from '../../access/route-access.decorators';
import { UsersService } from '../../users/users.service';
import { SessionView } from './dto/session-view.dto';
import { SessionsService } from './sessions.service';

const ADMIN_PROBLEMS = [ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND];

/** Any user's sessions, for administrators. */
@AdminRoute()
@ApiIdParam()
@Controller('api/users/:id/sessions')
export class AdminSessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'adminListSessions', summary: "A user's open sessions (devices)" })
  @ApiOkResponse({ type: SessionView, isArray: true })
  @ApiProblems(...ADMIN_PROBLEMS)
  async list(@CurrentUser() caller: AuthenticatedUser, @Param('id', IdParamPipe) id: number): Promise<SessionView[]> {
    await this.liveUser(id);
    return this.sessions.devices(id, caller.sessionId);
  }

  @Delete(':sid')
  @ApiUuidParam('sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'adminEndSession', summary: "End one of a user's sessions: its tokens stop working at once" })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiProblems(...ADMIN_PROBLEMS, ErrorCode.SESSION_NOT_FOUND)
  async end(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', IdParamPipe) id: number,
    @Param('sid', new UuidParamPipe('sid')) sid: string,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    if (await this.sessions.end(id, sid, { actorId: admin.id, origin })) return;
    await this.liveUser(id);
    throw problem(ErrorCode.SESSION_NOT_FOUND);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'adminEndSessions', summary: "End every session of a user" })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiProblems(...ADMIN_PROBLEMS)
  async endAll(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', IdParamPipe) id: number,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.liveUser(id);
    await this.sessions.endAll(id, { actorId: admin.id, origin });
  }

  private async liveUser(id: number): Promise<void> {
    if (!(await this.users.findById(id))) throw ProblemException.userNotFound();
  }
}
