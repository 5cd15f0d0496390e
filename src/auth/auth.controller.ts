import type { ClientOrigin } from '../common/http/client-origin';
import { Origin } from '../common/http/client-origin';
import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { MfaRequiredDto } from './second-factor/dto/mfa-required.dto';
import { ApiProblems, BODY_PROBLEMS } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import { Public } from '../access/public.decorator';
import { RateLimited } from '../access/rate-limited.decorator';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { CurrentUser } from '../access/current-user.decorator';
import { withEntityTag } from '../common/http/entity-tag';
import { userEtag } from '../users/etag';
import { toUserView } from '../users/user-view';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { LogoutDto, RefreshDto } from './dto/refresh-token.dto';
import { RegisterDto } from './dto/register.dto';
import type { Locale } from '../i18n/locale';
import { RequestLocale } from '../i18n/request-locale.decorator';
import { RegisterResponseDto, TokenResponseDto } from './sessions/dto/token-response.dto';

/** Token responses: also `Pragma: no-cache`, for HTTP/1.0 caches (RFC 6749 5.1). */
const NoCache = () => Header('Pragma', 'no-cache');

@ApiTags('auth')
// Any route that needs the database (or Redis) answers 503 while it is away.
@ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @NoCache()
  @RateLimited()
  @ApiOperation({ operationId: 'register', summary: 'Sign up; answers the new user and a session' })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.WEAK_PASSWORD,
    ErrorCode.EMAIL_TAKEN,
    ErrorCode.USERNAME_TAKEN,
    ErrorCode.RATE_LIMITED,
  )
  async register(
    @Body() dto: RegisterDto,
    @Origin() origin: ClientOrigin,
    @RequestLocale() locale: Locale,
  ): Promise<RegisterResponseDto> {
    const { user, tokens } = await this.auth.register({ ...dto, locale: dto.locale ?? locale }, origin);
    return withEntityTag({ user: toUserView(user), ...tokens }, userEtag(user));
  }

  @Post('login')
  @NoCache()
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'login',
    summary: 'Log in with email (or username) and password',
    description:
      'An account with a second factor gets no tokens yet but `mfa_required`, an `mfa_token` and the methods that finish the login ' +
      '(POST /auth/mfa/verify).',
  })
  @ApiExtraModels(TokenResponseDto, MfaRequiredDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaRequiredDto) }] } })
  @ApiProblems(
    ...BODY_PROBLEMS,
    ErrorCode.INVALID_CREDENTIALS,
    ErrorCode.ACCOUNT_DISABLED,
    ErrorCode.EMAIL_NOT_VERIFIED,
    ErrorCode.RATE_LIMITED,
    ErrorCode.ACCOUNT_LOCKED,
  )
  login(@Body() dto: LoginDto, @Origin() origin: ClientOrigin): Promise<TokenResponseDto | MfaRequiredDto> {
    return this.auth.login(dto, origin);
  }

  @Post('refresh')
  @NoCache()
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'refresh',
    summary: 'Exchange a refresh token for a new pair; the old refresh token stops working',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ErrorCode.EMAIL_NOT_VERIFIED, ErrorCode.RATE_LIMITED)
  refresh(@Body() dto: RefreshDto, @Origin() origin: ClientOrigin): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refresh_token, origin);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'logout',
    summary: "End the access token's session (and the refresh token's, when one is sent)",
    description:
      'Either credential alone will do: a bearer access token (its session ends), a body with a ' +
      'refresh token (its session ends), or both. 401 when neither names an open session.',
  })
  @ApiBody({ type: LogoutDto, required: false })
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED)
  async logout(
    @CurrentUser() caller: AuthenticatedUser | undefined,
    @Body() dto: LogoutDto,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.auth.logout(caller, dto.refresh_token, origin);
  }
}
