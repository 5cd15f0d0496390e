import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
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
import { RegisterPasskeyDto, RenamePasskeyDto } from './dto/passkey-bodies.dto';
import { PasskeyOptionsDto } from './dto/passkey-options.dto';
import { PasskeyView } from './dto/passkey-view.dto';
import { PasskeysService } from './passkeys.service';

/** The caller's passkeys. */
@SelfProfileRoute()
@Controller('users/passkeys')
export class UserPasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Post('options')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'passkeyRegistrationOptions',
    summary: "Options for the browser's navigator.credentials.create(): the first step of registering a passkey",
    description: 'Needs current_password, or a login within the last 10 minutes. Its challenge works once, for 2 minutes.',
  })
  @ApiBody({ type: ReauthenticationDto, required: false })
  @ApiOkResponse({ type: PasskeyOptionsDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ...REAUTHENTICATION_PROBLEMS, ErrorCode.PASSKEY_LIMIT, ErrorCode.RATE_LIMITED)
  async options(@CurrentUser() caller: AuthenticatedUser, @Body() dto: ReauthenticationDto, @Origin() origin: ClientOrigin): Promise<PasskeyOptionsDto> {
    return (await this.passkeys.registrationOptions(caller, dto?.current_password, { actorId: caller.id, origin })) as unknown as PasskeyOptionsDto;
  }

  @Post()
  @RateLimited()
  @ApiOperation({ operationId: 'registerPasskey', summary: "Register the browser's new credential as a passkey" })
  @ApiCreatedResponse({ type: PasskeyView })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ErrorCode.PASSKEY_INVALID, ErrorCode.PASSKEY_ALREADY_REGISTERED, ErrorCode.PASSKEY_LIMIT, ErrorCode.RATE_LIMITED)
  register(@CurrentUser() caller: AuthenticatedUser, @Body() dto: RegisterPasskeyDto, @Origin() origin: ClientOrigin): Promise<PasskeyView> {
    return this.passkeys.register(caller, dto, { actorId: caller.id, origin });
  }

  @Get()
  @ApiOperation({ operationId: 'listPasskeys', summary: 'Your passkeys: name, created, last used' })
  @ApiOkResponse({ type: PasskeyView, isArray: true })
  @ApiProblems(ErrorCode.UNAUTHORIZED)
  list(@CurrentUser() caller: AuthenticatedUser): Promise<PasskeyView[]> {
    return this.passkeys.list(caller);
  }

  @Put(':id')
  @ApiUuidParam()
  @ApiOperation({ operationId: 'renamePasskey', summary: 'Rename one of your passkeys' })
  @ApiOkResponse({ type: PasskeyView })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ErrorCode.PASSKEY_NOT_FOUND)
  rename(@CurrentUser() caller: AuthenticatedUser, @Param('id', new UuidParamPipe()) id: string, @Body() dto: RenamePasskeyDto): Promise<PasskeyView> {
    return this.passkeys.rename(caller, id, dto.name);
  }

  @Delete(':id')
  @ApiUuidParam()
  @RateLimited()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'removePasskey', summary: 'Remove one of your passkeys (re-authenticated)' })
  @ApiBody({ type: ReauthenticationDto, required: false })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ...REAUTHENTICATION_PROBLEMS, ErrorCode.PASSKEY_NOT_FOUND, ErrorCode.RATE_LIMITED)
  async remove(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() dto: ReauthenticationDto,
    @Origin() origin: ClientOrigin,
  ): Promise<void> {
    await this.passkeys.remove(caller, id, dto?.current_password, { actorId: caller.id, origin });
  }
}
