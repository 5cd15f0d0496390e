import { Injectable } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-action.enum';
import { auditRecord } from '../../audit/audit-record';
import type { ClientOrigin } from '../../common/http/client-origin';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import type { User } from '../../users/user.entity';
import type { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { SessionsService } from '../sessions/sessions.service';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';
import type { MfaRequiredDto, MfaMethod } from './dto/mfa-required.dto';
import { assertOneAnswer } from './dto/second-factor-answer.dto';
import type { MfaVerifyDto } from './dto/mfa-verify.dto';
import { OneTimeCodes } from './one-time-codes';
import { SecondFactorRepository } from './second-factor.repository';

/** How long a login waits for its second factor. */
export const MFA_TOKEN_SECONDS = 300;
/** Wrong codes that end a login waiting for its second factor. */
export const MFA_MAX_FAILURES = 5;

/**
 * The second step of a login: a right password of an account with a second factor opens no
 * session but a waiting login, named by an opaque `mfa_token` (kept as its SHA-256) that only
 * POST /auth/mfa/verify takes. It ends with the right code, its fifth wrong one, or in 5 minutes.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly factors: SecondFactorRepository,
    private readonly codes: OneTimeCodes,
    private readonly sessions: SessionsService,
  ) {}

  /** Whether logging in to this account asks for a second factor. */
  required(user: Pick<User, 'mfa_totp' | 'mfa_passkeys'>): boolean {
    return user.mfa_totp;
  }

  /** The waiting login of an account whose password was just right. */
  async challenge(user: Pick<User, 'id' | 'mfa_totp'>): Promise<MfaRequiredDto> {
    const token = newSecretToken();
    await this.factors.openChallenge(sha256Hex(token), user.id, MFA_TOKEN_SECONDS);
    const methods: MfaMethod[] = user.mfa_totp ? ['totp', 'recovery_code'] : [];
    return { mfa_required: true, mfa_token: token, expires_in: MFA_TOKEN_SECONDS, methods };
  }

  /** Finishes a waiting login with a code of the app or a recovery code: the usual token pair. */
  async verify(dto: MfaVerifyDto, origin: ClientOrigin): Promise<TokenResponseDto> {
    assertOneAnswer(dto);
    const tokenHash = sha256Hex(dto.mfa_token);
    // Read first without a lock: an unknown token costs one indexed read and takes no lockout place.
    if (!(await this.factors.pendingLogin(tokenHash, MFA_MAX_FAILURES))?.usable) throw problem(ErrorCode.MFA_TOKEN_INVALID);
    const context = { actorId: null, origin };
    const outcome = await this.factors.transaction(async (factors) => {
      // Locked: two answers to one login are taken one after the other.
      const login = await factors.pendingLogin(tokenHash, MFA_MAX_FAILURES, true);
      if (!login?.usable) return 'invalid';
      const method = await this.codes.check(login, dto, context, factors);
      if (!method) {
        if ((await factors.failChallenge(tokenHash)) >= MFA_MAX_FAILURES) await factors.endChallenge(tokenHash);
        return 'wrong';
      }
      await factors.endChallenge(tokenHash);
      return { login, method };
    });
    if (outcome === 'invalid') throw problem(ErrorCode.MFA_TOKEN_INVALID);
    if (outcome === 'wrong') throw problem(ErrorCode.INVALID_MFA_CODE);
    const { login, method } = outcome;
    const event = auditRecord({ actorId: login.userId, origin }, AuditAction.LOGIN_SUCCEEDED, login.userId, { second_factor: method });
    return this.sessions.open({ id: login.userId, email_verified: login.emailVerified }, origin, event, ['pwd', 'otp']);
  }
}
