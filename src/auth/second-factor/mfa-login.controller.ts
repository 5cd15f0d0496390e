import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../access/public.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { MfaVerifyDto } from './dto/mfa-verify.dto';
import { MfaLoginService } from './mfa-login.service';

/** The second step of a login that answered `mfa_required`. */
@ApiTags('auth')
@ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
@Public()
@Controller('auth/mfa')
export class MfaLoginController {
  constructor(private readonly logins: MfaLoginService) {}

  @Post('verify')
  // Token responses: also `Pragma: no-cache`, for HTTP/1.0 caches (RFC 6749 5.1).
  @Header('Pragma', 'no-cache')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'verifyMfa',
    summary: "Finish a login with the authenticator app's code or a recovery code: the usual token pair",
    description: 'mfa_token is from POST /auth/login; it lives 5 minutes and ends at its fifth wrong code. Send code or recovery_code.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.MFA_TOKEN_INVALID, ErrorCode.INVALID_MFA_CODE, ErrorCode.ACCOUNT_LOCKED, ErrorCode.RATE_LIMITED)
  verify(@Body() dto: MfaVerifyDto, @Origin() origin: ClientOrigin): Promise<TokenResponseDto> {
    return this.logins.verify(dto, origin);
  }
}
