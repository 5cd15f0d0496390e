import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblems } from '../common/api-problems.decorator';
import { CurrentUser } from '../common/current-user.decorator';
import { NonEmptyBodyPipe } from '../common/non-empty-body.pipe';
import { ProblemException } from '../common/problem.exception';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { toUserView, UserView } from './user-view';
import { UsersService } from './users.service';

/** The caller's own profile: the user is the token's, never a path or body id. */
@ApiTags('users')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ operationId: 'getProfile', summary: 'Read your own profile' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(401)
  async get(@CurrentUser() caller: AuthenticatedUser): Promise<UserView> {
    const user = await this.users.findById(caller.id);
    if (!user || !user.is_active) throw ProblemException.unauthorized();
    return toUserView(user);
  }

  @Put()
  @ApiOperation({
    operationId: 'updateProfile',
    summary: 'Update your own profile (partial: a field left out is kept)',
  })
  @ApiBody({
    type: UpdateProfileDto,
    examples: { seed: { summary: 'Name and email', value: { name: 'Jane Doe', email: 'jane.doe@example.com' } } },
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(400, 401, 409, 413, 415)
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Body(NonEmptyBodyPipe) dto: UpdateProfileDto,
  ): Promise<UserView> {
    return toUserView(await this.users.updateProfile(caller.id, dto));
  }
}
