import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../access/public.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { PasskeyOptionsDto } from '../passkeys/dto/passkey-options.dto';
import { MfaPasskeyOptionsDto, MfaVerifyDto } from './dto/mfa-verify.dto';
import { MfaLoginService } from './mfa-login.service';

/** The second step of a login that answered `mfa_required`. */
@ApiTags('auth')
@ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
@Public()
@Controller('auth/mfa')
export class MfaLoginController {
  constructor(private readonly logins: MfaLoginService) {}

  @Post('passkey/options')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'mfaPasskeyOptions',
    summary: "Options for navigator.credentials.get() with one of the waiting login's passkeys",
    description: 'Then POST /auth/mfa/verify with { mfa_token, passkey }. The challenge works once, for 2 minutes.',
  })
  @ApiOkResponse({ type: PasskeyOptionsDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.MFA_TOKEN_INVALID, ErrorCode.RATE_LIMITED)
  async passkeyOptions(@Body() dto: MfaPasskeyOptionsDto): Promise<PasskeyOptionsDto> {
    return (await this.logins.passkeyOptions(dto.mfa_token)) as unknown as PasskeyOptionsDto;
  }

  @Post('verify')
  // Token responses: also `Pragma: no-cache`, for HTTP/1.0 caches (RFC 6749 5.1).
  @Header('Pragma', 'no-cache')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'verifyMfa',
    summary: "Finish a login with the authenticator app's code, a recovery code or a passkey: the usual token pair",
    description: 'mfa_token is from POST /auth/login; it lives 5 minutes and ends at its fifth wrong answer. Send one of code, recovery_code and passkey.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.MFA_TOKEN_INVALID, ErrorCode.INVALID_MFA_CODE, ErrorCode.PASSKEY_INVALID, ErrorCode.ACCOUNT_LOCKED, ErrorCode.RATE_LIMITED)
  verify(@Body() dto: MfaVerifyDto, @Origin() origin: ClientOrigin): Promise<TokenResponseDto> {
    return this.logins.verify(dto, origin);
  }
}
