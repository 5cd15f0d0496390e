import { Controller, Delete, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import type { ClientOrigin } from '../common/http/client-origin';
import { Origin } from '../common/http/client-origin';
import { ErrorCode } from '../common/problems/error-code.enum';
import { AppConfig } from '../config/app-config';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { taggedUserView } from '../users/etag';
import { SelfProfileRoute } from '../access/route-access.decorators';
import { UserView } from '../users/user-view';
import { ApiAvatarUpload } from './api-avatar-upload.decorator';
import { AvatarsService } from './avatars.service';
import { readUploadedFile } from './uploaded-file';

/** The caller's own picture. */
@SelfProfileRoute()
@Controller('users/avatar')
export class UserAvatarController {
  constructor(
    private readonly avatars: AvatarsService,
    private readonly config: AppConfig,
  ) {}

  @Put()
  @ApiOperation({ operationId: 'uploadAvatar', summary: 'Upload your profile picture' })
  @ApiAvatarUpload()
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  async upload(
    @CurrentUser() caller: AuthenticatedUser,
    @Req() request: FastifyRequest,
    @Origin() origin: ClientOrigin,
  ): Promise<UserView> {
    const file = await readUploadedFile(request, this.config.avatarMaxBytes);
    return taggedUserView(await this.avatars.replace({ caller }, file, { actorId: caller.id, origin }));
  }

  @Delete()
  @ApiOperation({ operationId: 'deleteAvatar', summary: 'Remove your profile picture: the default is shown again' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  async remove(@CurrentUser() caller: AuthenticatedUser, @Origin() origin: ClientOrigin): Promise<UserView> {
    return taggedUserView(await this.avatars.remove({ caller }, { actorId: caller.id, origin }));
  }
}
