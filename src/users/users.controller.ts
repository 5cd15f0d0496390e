import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Post, Put } from '@nestjs/common';
import {
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiProblems, BODY_PROBLEMS } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import type { ClientOrigin } from '../common/http/client-origin';
import { Origin } from '../common/http/client-origin';
import { NonEmptyBodyPipe } from '../common/validation/non-empty-body.pipe';
import { RateLimited } from '../access/rate-limited.decorator';
import { UnverifiedAllowed } from '../access/unverified-allowed.decorator';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { ChangePasswordDto } from './dto/change-password.dto';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { acceptedVersions, ApiIfMatch, taggedUserView } from './etag';
import { UserView } from './user-view';
import { SelfProfileRoute } from '../access/route-access.decorators';
import { UsersService } from './users.service';

/** The caller's own account: the user is the token's, never a path or body id. */
@SelfProfileRoute()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @UnverifiedAllowed()
  @ApiOperation({ operationId: 'getProfile', summary: 'Read your own profile' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  async get(@CurrentUser() caller: AuthenticatedUser): Promise<UserView> {
    return taggedUserView(await this.users.callerAccount(caller));
  }

  @Put()
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'updateProfile',
    summary: 'Update your own profile (partial: a field left out is kept)',
  })
  @ApiBody({
    type: UpdateProfileDto,
    examples: { seed: { summary: 'Name and email', value: { name: 'Jane Doe', email: 'jane.doe@example.com' } } },
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.INVALID_CREDENTIALS,
    ErrorCode.REAUTHENTICATION_REQUIRED,
    ErrorCode.EMAIL_TAKEN,
    ErrorCode.USERNAME_TAKEN,
    ErrorCode.PRECONDITION_FAILED,
    ErrorCode.ACCOUNT_LOCKED,
    ErrorCode.RATE_LIMITED,
  )
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Body(NonEmptyBodyPipe) dto: UpdateProfileDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Origin() origin: ClientOrigin,
  ): Promise<UserView> {
    const { current_password: currentPassword, ...changes } = dto;
    const context = { actorId: caller.id, origin };
    return taggedUserView(await this.users.change({ caller }, changes, { context, versions: acceptedVersions(ifMatch), currentPassword }));
  }

  @Post('password')
  @RateLimited()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change your password; every other session ends',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.WEAK_PASSWORD,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.INVALID_CREDENTIALS,
    ErrorCode.ACCOUNT_LOCKED,
    ErrorCode.RATE_LIMITED,
  )
  async changePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    const context = { actorId: caller.id, origin };
    await this.users.change({ caller }, { password: dto.new_password }, { context, currentPassword: dto.current_password });
  }

  @Delete()
  @RateLimited()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'deleteAccount',
    summary: 'Delete your own account; its email and username become free',
    description: 'Needs current_password; an account without a password (a provider sign-up) sends none and needs a login within the last 10 minutes.',
  })
  @ApiBody({ type: DeleteAccountDto, required: false })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.INVALID_CREDENTIALS,
    ErrorCode.REAUTHENTICATION_REQUIRED,
    ErrorCode.LAST_ADMIN,
    ErrorCode.ACCOUNT_LOCKED,
    ErrorCode.RATE_LIMITED,
  )
  async remove(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() dto: DeleteAccountDto,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.users.delete({ caller }, { context: { actorId: caller.id, origin }, currentPassword: dto?.current_password });
  }
}
