import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../../common/problems/api-problems.decorator';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe';
import { ApiUuidParam } from '../../common/validation/api-path-params.decorator';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { SelfProfileRoute } from '../../access/route-access.decorators';
import { SessionView } from './dto/session-view.dto';
import { SessionsService } from './sessions.service';

/** The caller's sessions, as the devices they are signed in on. */
@SelfProfileRoute()
@Controller('users/sessions')
export class UserSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ operationId: 'listSessions', summary: 'Where you are signed in: your open sessions, the current one marked' })
  @ApiOkResponse({ type: SessionView, isArray: true })
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  list(@CurrentUser() caller: AuthenticatedUser): Promise<SessionView[]> {
    return this.ownDevices(caller);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'endSession', summary: 'Sign a device out: its tokens stop working at once' })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.SESSION_NOT_FOUND)
  async end(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', new UuidParamPipe()) id: string,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    if (await this.sessions.end(caller.id, id, { actorId: caller.id, origin }, caller.sessionId)) return;
    // Nothing ended: the caller's own session is gone (401), or this one is not theirs, or not
    // open (404, also for another user's: its ids cannot be probed).
    await this.ownDevices(caller);
    throw problem(ErrorCode.SESSION_NOT_FOUND);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'endOtherSessions', summary: 'Sign out everywhere else: every session but this one ends' })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  async endOthers(@CurrentUser() caller: AuthenticatedUser, @Origin() origin: ClientOrigin): Promise<void> {
    if (!(await this.sessions.endOthers(caller, origin))) throw ProblemException.unauthorized();
  }

  /** The caller's devices; 401 unless its own session is among them (open, the account live and active). */
  private async ownDevices(caller: AuthenticatedUser): Promise<SessionView[]> {
    const devices = await this.sessions.devices(caller.id, caller.sessionId);
    if (!devices.some((device) => device.current)) throw ProblemException.unauthorized();
    return devices;
  }
}
