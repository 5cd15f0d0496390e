import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../access/public.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { PasskeyLoginDto } from './dto/passkey-bodies.dto';
import { PasskeyOptionsDto } from './dto/passkey-options.dto';
import { PasskeyLoginService } from './passkey-login.service';

/** Signing in with a passkey alone. */
@ApiTags('auth')
@ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
@Public()
@Controller('auth/passkey')
export class PasskeyLoginController {
  constructor(private readonly logins: PasskeyLoginService) {}

  @Post('options')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'passkeyLoginOptions',
    summary: "Options for the browser's navigator.credentials.get(): the first step of signing in with a passkey alone",
    description: 'No body. The browser offers the passkeys it has for this service; the challenge works once, for 2 minutes.',
  })
  @ApiOkResponse({ type: PasskeyOptionsDto })
  @ApiProblems(ErrorCode.RATE_LIMITED)
  async options(): Promise<PasskeyOptionsDto> {
    return (await this.logins.options()) as unknown as PasskeyOptionsDto;
  }

  @Post('login')
  // Token responses: also `Pragma: no-cache`, for HTTP/1.0 caches (RFC 6749 5.1).
  @Header('Pragma', 'no-cache')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'passkeyLogin', summary: "Sign in with the passkey's signature of the options' challenge: the usual token pair" })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.PASSKEY_INVALID, ErrorCode.ACCOUNT_DISABLED, ErrorCode.EMAIL_NOT_VERIFIED, ErrorCode.RATE_LIMITED)
  login(@Body() dto: PasskeyLoginDto, @Origin() origin: ClientOrigin): Promise<TokenResponseDto> {
    return this.logins.login(dto, origin);
  }
}
