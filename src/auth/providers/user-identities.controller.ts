import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import { SelfProfileRoute } from '../../access/route-access.decorators';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { ApiUuidParam } from '../../common/validation/api-path-params.decorator';
import { UuidParamPipe } from '../../common/validation/uuid-param.pipe';
import { ReauthenticationDto } from '../reauthentication/reauthentication.dto';
import { REAUTHENTICATION_PROBLEMS } from '../reauthentication/reauthenticate';
import { IdentityDto } from './dto/identity.dto';
import { AuthorizationUrlDto, LinkIdentityDto } from './dto/oauth-bodies.dto';
import { IdentitiesService } from './identities.service';

/** The caller's accounts at other providers. */
@SelfProfileRoute()
@Controller('users/identities')
export class UserIdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  @Get()
  @ApiOperation({ operationId: 'listIdentities', summary: 'The accounts at other providers linked to yours' })
  @ApiOkResponse({ type: [IdentityDto] })
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  list(@CurrentUser() caller: AuthenticatedUser): Promise<IdentityDto[]> {
    return this.identities.list(caller);
  }

  @Post(':id')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'linkIdentity',
    summary: "Begin linking a provider: the address to send the browser to (the provider's login)",
    description:
      'Needs current_password, or a login within the last 10 minutes. The provider returns to redirect_to with ?code=, which ' +
      'POST /auth/oauth/exchange takes with this account\'s bearer token only.',
  })
  @ApiParam({ name: 'id', description: "the provider's id (GET /auth/providers)", example: 'github' })
  @ApiBody({ type: LinkIdentityDto, required: false })
  @ApiOkResponse({ type: AuthorizationUrlDto })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.UNAUTHORIZED,
    ...REAUTHENTICATION_PROBLEMS,
    ErrorCode.PROVIDER_NOT_FOUND,
    ErrorCode.REDIRECT_NOT_ALLOWED,
    ErrorCode.PROVIDER_UNAVAILABLE,
    ErrorCode.RATE_LIMITED,
  )
  async link(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') provider: string,
    @Body() dto: LinkIdentityDto,
    @Origin() origin: ClientOrigin,
  ): Promise<AuthorizationUrlDto> {
    const url = await this.identities.beginLink(caller, provider, dto?.redirect_to, dto?.current_password, { actorId: caller.id, origin });
    return { authorization_url: url };
  }

  @Delete(':id')
  @RateLimited()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'unlinkIdentity',
    summary: 'Unlink an account at another provider',
    description: 'Needs current_password, or a login within the last 10 minutes; refused when it is the last way in (no password, no passkey, no other provider).',
  })
  @ApiUuidParam()
  @ApiBody({ type: ReauthenticationDto, required: false })
  @ApiNoContentResponse({ description: 'Unlinked' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ...REAUTHENTICATION_PROBLEMS, ErrorCode.IDENTITY_NOT_FOUND, ErrorCode.LAST_SIGN_IN_METHOD, ErrorCode.RATE_LIMITED)
  async unlink(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() dto: ReauthenticationDto,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.identities.unlink(caller, id, dto?.current_password, { actorId: caller.id, origin });
  }
}
