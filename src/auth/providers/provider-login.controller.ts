import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Query, Redirect, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { Public } from '../../access/public.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { AppConfig } from '../../config/app-config';
import { newSecretToken } from '../tokens/secret-token';
import { MfaRequiredDto } from '../second-factor/dto/mfa-required.dto';
import { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { browserCookie, browserToken } from './browser-binding';
import { LinkedIdentityDto } from './dto/identity.dto';
import { OAuthExchangeDto, OAuthStartQueryDto } from './dto/oauth-bodies.dto';
import { ProviderDto } from './dto/provider.dto';
import { ProviderFlowsService } from './provider-flows.service';
import { ProviderLoginService } from './provider-login.service';
import { ProviderStrategies } from './provider-strategies';

/** A redirect's answer, which Nest's @Redirect() sends. */
interface RedirectTo {
  url: string;
}

/** Signing in with another provider: the redirect there, its return, and the exchange of the return's code. */
@ApiTags('auth')
@ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
@Public()
@Controller('auth')
export class ProviderLoginController {
  constructor(
    private readonly strategies: ProviderStrategies,
    private readonly flows: ProviderFlowsService,
    private readonly logins: ProviderLoginService,
    private readonly config: AppConfig,
  ) {}

  @Get('providers')
  @ApiOperation({ operationId: 'listProviders', summary: 'The sign-in providers a login page may offer, in the configured order' })
  @ApiOkResponse({ type: [ProviderDto] })
  providers(): ProviderDto[] {
    return this.strategies.list().map(({ id, name, type }) => ({ id, name, type }));
  }

  @Get('oauth/:id')
  @RateLimited()
  @Redirect()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'startProviderLogin',
    summary: "Go to the provider's login (a browser navigation, not a fetch)",
    description:
      'Redirects to the provider with PKCE, a state and a nonce, each for one use within 10 minutes, and sets a cookie ' +
      "(oauth_browser, HttpOnly, for /auth/oauth only) that ties the provider's return to this browser.",
  })
  @ApiParam({ name: 'id', description: "the provider's id (GET /auth/providers)", example: 'google' })
  @ApiFoundResponse({ description: "The provider's authorization address, in Location" })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.PROVIDER_NOT_FOUND, ErrorCode.REDIRECT_NOT_ALLOWED, ErrorCode.PROVIDER_UNAVAILABLE, ErrorCode.RATE_LIMITED)
  async start(
    @Param('id') provider: string,
    @Query() query: OAuthStartQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RedirectTo> {
    // One token for every flow of this browser: two tabs signing in at once both come back.
    const browser = browserToken(request.headers) ?? newSecretToken();
    const url = await this.flows.begin(provider, query.redirect_to, { browser });
    reply.header('set-cookie', browserCookie(browser, this.config.publicUrl.startsWith('https:')));
    return { url };
  }

  @Get('oauth/:id/callback')
  @Redirect()
  @Header('Cache-Control', 'no-store')
  // The provider's code in this address must not reach the frontend in a Referer.
  @Header('Referrer-Policy', 'no-referrer')
  @ApiOperation({
    operationId: 'providerCallback',
    summary: "The provider's return (its redirect_uri): on to the frontend with a one-time code",
    description:
      'Checks the state (this browser\'s, unspent, within 10 minutes), then through the provider: PKCE, the nonce, `iss`, and the ' +
      "ID token's signature, issuer, audience and lifetime. Redirects to the flow's redirect_to with ?code= (for POST " +
      '/auth/oauth/exchange, once, within a minute) or ?error=PROVIDER_LOGIN_FAILED. A state it cannot trust is a 400, redirected nowhere.',
  })
  @ApiParam({ name: 'id', description: "the provider's id", example: 'google' })
  @ApiFoundResponse({ description: 'The frontend address, with ?code= or ?error=, in Location' })
  @ApiProblems(ErrorCode.PROVIDER_NOT_FOUND, ErrorCode.OAUTH_STATE_INVALID, ErrorCode.PROVIDER_UNAVAILABLE)
  async callback(@Param('id') provider: string, @Req() request: FastifyRequest): Promise<RedirectTo> {
    const at = request.url.indexOf('?');
    const outcome = await this.flows.finish(provider, at === -1 ? '' : request.url.slice(at + 1), browserToken(request.headers));
    const url = new URL(outcome.returnUrl);
    if (outcome.code) url.searchParams.set('code', outcome.code);
    else url.searchParams.set('error', outcome.error ?? ErrorCode.PROVIDER_LOGIN_FAILED);
    return { url: url.href };
  }

  @Post('oauth/exchange')
  @Header('Pragma', 'no-cache')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'exchangeProviderCode',
    summary: "The return's one-time code for what it leads to: the usual token pair, mfa_required, or (linking) the linked identity",
    description:
      'A login: the account linked to the provider\'s account; else a new account when the provider vouches for an email nobody ' +
      'has (verified, no password); else 409 ACCOUNT_EXISTS with the ways into that account (never linked by itself). A linking ' +
      'needs the bearer token of the account that began it.',
  })
  @ApiExtraModels(TokenResponseDto, MfaRequiredDto, LinkedIdentityDto)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaRequiredDto) }, { $ref: getSchemaPath(LinkedIdentityDto) }] },
  })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.OAUTH_CODE_INVALID,
    ErrorCode.PROVIDER_EMAIL_UNVERIFIED,
    ErrorCode.ACCOUNT_EXISTS,
    ErrorCode.IDENTITY_TAKEN,
    ErrorCode.ACCOUNT_DISABLED,
    ErrorCode.EMAIL_NOT_VERIFIED,
    ErrorCode.UNAUTHORIZED,
    ErrorCode.RATE_LIMITED,
  )
  exchange(
    @Body() dto: OAuthExchangeDto,
    @CurrentUser() caller: AuthenticatedUser | undefined,
    @Origin() origin: ClientOrigin,
  ): Promise<TokenResponseDto | MfaRequiredDto | LinkedIdentityDto> {
    return this.logins.exchange(dto.code, caller, origin);
  }
}
