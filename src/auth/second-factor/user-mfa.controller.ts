import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import { SelfProfileRoute } from '../../access/route-access.decorators';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { ConfirmTotpDto } from './dto/confirm-totp.dto';
import { ReauthenticationDto } from '../reauthentication/reauthentication.dto';
import { REAUTHENTICATION_PROBLEMS } from '../reauthentication/reauthenticate';
import { RecoveryCodesDto } from './dto/recovery-codes.dto';
import { DisableTotpDto } from './dto/second-factor-answer.dto';
import { TotpEnrolmentDto } from './dto/totp-enrolment.dto';
import { SecondFactorsService } from './second-factors.service';

/** The caller's second factors: an authenticator app (TOTP) and its recovery codes. */
@SelfProfileRoute()
@Controller('users/mfa')
export class UserMfaController {
  constructor(private readonly factors: SecondFactorsService) {}

  @Post('totp')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'startTotp',
    summary: 'Start setting up an authenticator app: a new secret, its otpauth URI and QR code',
    description: 'Nothing is active until POST /users/mfa/totp/confirm. Needs current_password, or a login within the last 10 minutes.',
  })
  @ApiBody({ type: ReauthenticationDto, required: false })
  @ApiOkResponse({ type: TotpEnrolmentDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ...REAUTHENTICATION_PROBLEMS, ErrorCode.MFA_ALREADY_ENABLED, ErrorCode.RATE_LIMITED)
  start(@CurrentUser() caller: AuthenticatedUser, @Body() dto: ReauthenticationDto, @Origin() origin: ClientOrigin): Promise<TotpEnrolmentDto> {
    return this.factors.startTotp(caller, dto?.current_password, { actorId: caller.id, origin });
  }

  @Post('totp/confirm')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'confirmTotp',
    summary: "Turn the app on with its first code: answers 10 recovery codes, shown this once",
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ErrorCode.INVALID_MFA_CODE, ErrorCode.MFA_ALREADY_ENABLED, ErrorCode.MFA_NOT_ENABLED, ErrorCode.RATE_LIMITED)
  confirm(@CurrentUser() caller: AuthenticatedUser, @Body() dto: ConfirmTotpDto, @Origin() origin: ClientOrigin): Promise<RecoveryCodesDto> {
    return this.factors.confirmTotp(caller, dto.code, { actorId: caller.id, origin });
  }

  @Delete('totp')
  @RateLimited()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'disableTotp',
    summary: 'Turn the app off (its recovery codes too): re-authenticated, with a current code or a recovery code',
  })
  @ApiNoContentResponse({ description: 'Turned off' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ...REAUTHENTICATION_PROBLEMS, ErrorCode.INVALID_MFA_CODE, ErrorCode.MFA_NOT_ENABLED, ErrorCode.RATE_LIMITED)
  async disable(@CurrentUser() caller: AuthenticatedUser, @Body() dto: DisableTotpDto, @Origin() origin: ClientOrigin): Promise<void> {
    await this.factors.disableTotp(caller, dto, { actorId: caller.id, origin });
  }

  @Post('recovery-codes')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'replaceRecoveryCodes', summary: 'Ten new recovery codes in place of the earlier ones, shown this once' })
  @ApiBody({ type: ReauthenticationDto, required: false })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.UNAUTHORIZED, ...REAUTHENTICATION_PROBLEMS, ErrorCode.MFA_NOT_ENABLED, ErrorCode.RATE_LIMITED)
  replaceRecoveryCodes(@CurrentUser() caller: AuthenticatedUser, @Body() dto: ReauthenticationDto, @Origin() origin: ClientOrigin): Promise<RecoveryCodesDto> {
    return this.factors.replaceRecoveryCodes(caller, dto?.current_password, { actorId: caller.id, origin });
  }
}
