import { Controller, Delete, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { AdminRoute } from '../../access/route-access.decorators';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { ApiIdParam } from '../../common/validation/api-path-params.decorator';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { SecondFactorsService } from './second-factors.service';

/** Any user's second factors, for administrators: the way back for someone who lost their phone. */
@AdminRoute()
@ApiIdParam()
@Controller('api/users/:id/mfa')
export class AdminMfaController {
  constructor(private readonly factors: SecondFactorsService) {}

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'adminRemoveMfa', summary: "Remove every second factor of a user, and end the user's sessions" })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND)
  async remove(@CurrentUser() admin: AuthenticatedUser, @Param('id', IdParamPipe) id: number, @Origin() origin: ClientOrigin): Promise<void> {
    await this.factors.removeAllByAdministrator(id, { actorId: admin.id, origin });
  }
}
