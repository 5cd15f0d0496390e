import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiProblems, BODY_PROBLEMS } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import type { ClientOrigin } from '../common/http/client-origin';
import { Origin } from '../common/http/client-origin';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { ApiIdParam } from '../common/validation/api-path-params.decorator';
import { NonEmptyBodyPipe } from '../common/validation/non-empty-body.pipe';
import { ProblemException } from '../common/problems/problem.exception';
import type { Locale } from '../i18n/locale';
import { RequestLocale } from '../i18n/request-locale.decorator';
import { AdminCreateUserDto } from './dto/admin-create-user.dto';
import { AdminUpdateUserDto, toUserChanges } from './dto/admin-update-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UserListDto } from './dto/user-list.dto';
import { acceptedVersions, ApiIfMatch, taggedUserView } from './etag';
import { toUserView, UserView } from './user-view';
import { UsersService } from './users.service';
import { AdminRoute } from '../access/route-access.decorators';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';

/** The request of the seed document (password_hash is plain text; the server hashes it). */
const SEED_EXAMPLE = {
  username: 'johndoe_updated',
  email: 'john.updated@example.com',
  password_hash: 'newSecurePassword456',
  firstname: 'John',
  lastname: 'Doe',
  phone_number: '+1234567890',
  role: 'ADMIN',
  is_active: true,
  profileImage: '/images/profiles/johndoe_new.jpg',
};

/** Every account, for administrators; the role is checked against the database. */
@AdminRoute()
@Controller('api/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    operationId: 'adminListUsers',
    summary: 'List users: filter, search, sort; page by page number (shallow) or by cursor (any depth)',
  })
  @ApiOkResponse({ type: UserListDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN)
  async list(@Query() query: ListUsersQueryDto): Promise<UserListDto> {
    const { users, total, totalIsCapped, nextCursor } = await this.users.list(query);
    return {
      data: users.map(toUserView),
      page: query.cursor === undefined ? (query.page ?? 1) : null,
      limit: query.limit,
      total,
      total_is_capped: totalIsCapped,
      next_cursor: nextCursor,
    };
  }

  @Get(':id')
  @ApiIdParam()
  @ApiOperation({ operationId: 'adminGetUser', summary: 'Read any user' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND)
  async get(@Param('id', IdParamPipe) id: number): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw ProblemException.userNotFound();
    return taggedUserView(user);
  }

  @Post()
  @ApiOperation({ operationId: 'adminCreateUser', summary: 'Create a user with any role' })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.WEAK_PASSWORD,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.FORBIDDEN,
    ErrorCode.EMAIL_TAKEN,
    ErrorCode.USERNAME_TAKEN,
  )
  async create(
    @CurrentUser() admin: AuthenticatedUser,
    @Body() dto: AdminCreateUserDto,
    @Origin() origin: ClientOrigin,
    @RequestLocale() locale: Locale,
  ): Promise<UserView> {
    // An invitation without a locale goes out in the language of the administrator's request.
    const account = { ...dto, locale: dto.locale ?? locale };
    return taggedUserView(await this.users.create(account, { context: { actorId: admin.id, origin } }));
  }

  @Put(':id')
  @ApiIdParam()
  @ApiIfMatch()
  @ApiOperation({
    operationId: 'adminUpdateUser',
    summary: 'Update any user (partial); a password is hashed with bcrypt',
  })
  @ApiBody({ type: AdminUpdateUserDto, examples: { seed: { summary: 'The seed example', value: SEED_EXAMPLE } } })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.WEAK_PASSWORD,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.FORBIDDEN,
    ErrorCode.USER_NOT_FOUND,
    ErrorCode.EMAIL_TAKEN,
    ErrorCode.USERNAME_TAKEN,
    ErrorCode.LAST_ADMIN,
    ErrorCode.PRECONDITION_FAILED,
  )
  async update(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', IdParamPipe) id: number,
    @Body(NonEmptyBodyPipe) dto: AdminUpdateUserDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Origin() origin: ClientOrigin,
  ): Promise<UserView> {
    const context = { actorId: admin.id, origin };
    return taggedUserView(await this.users.change({ id }, toUserChanges(dto), { context, versions: acceptedVersions(ifMatch) }));
  }

  @Delete(':id')
  @ApiIdParam()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'adminDeleteUser', summary: 'Delete any user (soft); its sessions end' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(
    ErrorCode.VALIDATION_FAILED,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.FORBIDDEN,
    ErrorCode.USER_NOT_FOUND,
    ErrorCode.LAST_ADMIN,
  )
  async remove(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', IdParamPipe) id: number,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.users.delete({ id }, { context: { actorId: admin.id, origin } });
  }

  @Post(':id/unlock')
  @ApiIdParam()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'adminUnlockUser',
    summary: 'Lift the login lockout of a user (after too many wrong passwords)',
  })
  @ApiNoContentResponse({ description: 'Unlocked: the next login is checked as usual' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.USER_NOT_FOUND)
  async unlock(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', IdParamPipe) id: number,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.users.unlock(id, { actorId: admin.id, origin });
  }
}
