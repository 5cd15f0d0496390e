import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { CurrentUser } from '../../access/current-user.decorator';
import { AdminRoute } from '../../access/route-access.decorators';
import type { ClientOrigin } from '../../common/http/client-origin';
import { Origin } from '../../common/http/client-origin';
import { ApiProblems } from '../../common/problems/api-problems.decorator';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { KEY_ID } from '../../config/signing-keys';
import { RotateSigningKeysDto } from './dto/rotate-signing-keys.dto';
import { SigningKeyDto } from './dto/signing-key.dto';
import { signingKeyView } from './signing-key-view';
import { SigningKeysService } from './signing-keys.service';

const ADMIN_PROBLEMS = [ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN];

/** The keys that sign access tokens, for administrators: listed, rotated, removed (audited). */
@AdminRoute()
@Controller('api/signing-keys')
export class AdminSigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @ApiOperation({ operationId: 'adminListSigningKeys', summary: 'The keys that verify access tokens now, the signing one first' })
  @ApiOkResponse({ type: SigningKeyDto, isArray: true })
  @ApiProblems(...ADMIN_PROBLEMS)
  list(): SigningKeyDto[] {
    const now = Date.now();
    const signing = this.keys.signer(now).kid;
    return this.keys.live(now).map((key) => signingKeyView(key, signing, now));
  }

  @Post('rotate')
  @ApiOperation({
    operationId: 'adminRotateSigningKeys',
    summary: 'Publish a new key: it signs from twice JWKS_MAX_AGE on, and the keys before it retire when their tokens have expired',
  })
  @ApiCreatedResponse({ type: SigningKeyDto, description: 'The new key, waiting to sign (or signing, when immediate)' })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ...ADMIN_PROBLEMS, ErrorCode.SIGNING_KEYS_CONFIGURED, ErrorCode.ROTATION_PENDING, ErrorCode.TOO_MANY_SIGNING_KEYS)
  async rotate(@CurrentUser() admin: AuthenticatedUser, @Body() dto: RotateSigningKeysDto, @Origin() origin: ClientOrigin): Promise<SigningKeyDto> {
    const key = await this.keys.rotate({ actorId: admin.id, origin }, dto.immediate === true);
    const now = Date.now();
    return signingKeyView(key, this.keys.signer(now).kid, now);
  }

  @Delete(':kid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiParam({ name: 'kid', description: "the key's id, as the JWKS and the tokens' header name it" })
  @ApiOperation({ operationId: 'adminRemoveSigningKey', summary: "Remove a key that does not sign now: its tokens are refused at once (a leaked key's)" })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(...ADMIN_PROBLEMS, ErrorCode.SIGNING_KEYS_CONFIGURED, ErrorCode.SIGNING_KEY_NOT_FOUND, ErrorCode.SIGNING_KEY_IN_USE)
  async remove(@CurrentUser() admin: AuthenticatedUser, @Param('kid') kid: string, @Origin() origin: ClientOrigin): Promise<void> {
    if (!KEY_ID.test(kid)) throw problem(ErrorCode.SIGNING_KEY_NOT_FOUND);
    await this.keys.remove(kid, { actorId: admin.id, origin });
  }
}
