import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, BODY_PROBLEMS } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { Public } from '../../access/public.decorator';
import { RateLimited } from '../../access/rate-limited.decorator';
import { UnverifiedAllowed } from '../../access/unverified-allowed.decorator';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { taggedUserView } from '../../users/etag';
import { UserView } from '../../users/user-view';
import { ForgotPasswordDto, LinkTokenDto, ResetPasswordDto } from './dto/email-links.dto';
import { EmailLinksService } from './email-links.service';

/** The routes behind the links sent by mail: verify an email, reset a forgotten password, make or undo an email change. */
@ApiTags('auth')
@ApiProblems(ErrorCode.SERVICE_UNAVAILABLE)
@Controller('auth')
export class EmailLinksController {
  constructor(private readonly links: EmailLinksService) {}

  @Post('verify-email/request')
  @RateLimited()
  @UnverifiedAllowed()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'requestEmailVerification', summary: "Send a new verification mail to the caller's email" })
  @ApiAcceptedResponse({ description: 'A verification mail is on its way' })
  @ApiProblems(ErrorCode.UNAUTHORIZED, ErrorCode.EMAIL_ALREADY_VERIFIED, ErrorCode.RATE_LIMITED)
  async requestVerification(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.links.requestVerification(caller);
  }

  @Post('verify-email')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'verifyEmail', summary: 'Prove an email address with the token of a verification link' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.INVALID_TOKEN)
  async verifyEmail(@Body() dto: LinkTokenDto, @Origin() origin: ClientOrigin): Promise<UserView> {
    return taggedUserView(await this.links.verifyEmail(dto.token, origin));
  }

  @Post('password/forgot')
  @Public()
  @RateLimited()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'forgotPassword',
    summary: 'Mail a password-reset link; the same answer whether or not the account exists',
  })
  @ApiAcceptedResponse({ description: 'If the account exists, a reset mail is on its way' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.RATE_LIMITED)
  forgotPassword(@Body() dto: ForgotPasswordDto): void {
    this.links.forgotPassword(dto.email);
  }

  @Post('password/reset')
  @Public()
  @RateLimited()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'resetPassword',
    summary: "Set a new password with a reset or invitation link's token; every session ends",
  })
  @ApiNoContentResponse({ description: 'The password is set' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.WEAK_PASSWORD, ErrorCode.INVALID_TOKEN, ErrorCode.RATE_LIMITED)
  async resetPassword(@Body() dto: ResetPasswordDto, @Origin() origin: ClientOrigin): Promise<void> {
    await this.links.resetPassword(dto.token, dto.new_password, origin);
  }

  @Post('email-change/confirm')
  @Public()
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'confirmEmailChange',
    summary: "Make an email change with the token of the link mailed to the new address; it is proven at once",
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.INVALID_TOKEN, ErrorCode.EMAIL_TAKEN, ErrorCode.RATE_LIMITED)
  async confirmEmailChange(@Body() dto: LinkTokenDto, @Origin() origin: ClientOrigin): Promise<UserView> {
    return taggedUserView(await this.links.confirmEmailChange(dto.token, origin));
  }

  @Post('email-change/cancel')
  @Public()
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'cancelEmailChange',
    summary: 'Undo an email change with the token of the link mailed to the address it left; every session ends',
  })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.INVALID_TOKEN, ErrorCode.EMAIL_TAKEN, ErrorCode.RATE_LIMITED)
  async cancelEmailChange(@Body() dto: LinkTokenDto, @Origin() origin: ClientOrigin): Promise<UserView> {
    return taggedUserView(await this.links.cancelEmailChange(dto.token, origin));
  }
}
