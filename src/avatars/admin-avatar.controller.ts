import { Controller, Delete, Param, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import type { ClientOrigin } from '../common/http/client-origin';
import { Origin } from '../common/http/client-origin';
import { ErrorCode } from '../common/problems/error-code.enum';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { ApiIdParam } from '../common/validation/api-path-params.decorator';
import { AppConfig } from '../config/app-config';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { taggedUserView } from '../users/etag';
import { AdminRoute } from '../access/route-access.decorators';
import { UserView } from '../users/user-view';
import { ApiAvatarUpload } from './api-avatar-upload.decorator';
import { AvatarsService } from './avatars.service';
import { readUploadedFile } from './uploaded-file';

const TARGET_PROBLEMS = [ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND];

/** Any user's picture, for administrators. */
@AdminRoute()
@ApiIdParam()
@Controller('api/users/:id/avatar')
export class AdminAvatarController {
  constructor(
    private readonly avatars: AvatarsService,
    private readonly config: AppConfig,
  ) {}

  @Put()
  @ApiOperation({ operationId: 'adminUploadAvatar', summary: "Upload a user's profile picture" })
  @ApiAvatarUpload()
  @ApiProblems(...TARGET_PROBLEMS)
  async upload(
    @Param('id', IdParamPipe) id: number,
    @Req() request: FastifyRequest,
    @CurrentUser() admin: AuthenticatedUser,
    @Origin() origin: ClientOrigin,
  ): Promise<UserView> {
    const file = await readUploadedFile(request, this.config.avatarMaxBytes);
    return taggedUserView(await this.avatars.replace({ id }, file, { actorId: admin.id, origin }));
  }

  @Delete()
  @ApiOperation({ operationId: 'adminDeleteAvatar', summary: "Remove a user's profile picture: the default is shown again" })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ...TARGET_PROBLEMS)
  async remove(
    @Param('id', IdParamPipe) id: number,
    @CurrentUser() admin: AuthenticatedUser,
    @Origin() origin: ClientOrigin,
  ): Promise<UserView> {
    return taggedUserView(await this.avatars.remove({ id }, { actorId: admin.id, origin }));
  }
}
