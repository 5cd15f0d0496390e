import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import type { ClientOrigin } from '../../common/http/client-origin';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import type { User } from '../../users/user.entity';
import { accountNames, LoginAttempts } from '../lockout/login-attempts';
import { PasskeyCeremonies } from '../passkeys/passkey-ceremonies';
import type { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { SessionsService } from '../sessions/sessions.service';
import type { AuthenticationMethod } from '../tokens/access-token-claims';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';
import type { MfaMethod, MfaRequiredDto } from './dto/mfa-required.dto';
import type { MfaVerifyDto } from './dto/mfa-verify.dto';
import { assertOneAnswer } from './dto/second-factor-answer.dto';
import { OneTimeCodes } from './one-time-codes';
import { PendingLogin, SecondFactorRepository } from './second-factor.repository';

/** How long a login waits for its second factor. */
export const MFA_TOKEN_SECONDS = 300;
/** Wrong answers that end a login waiting for its second factor. */
export const MFA_MAX_FAILURES = 5;

/** How a second factor finished a login: the event's detail, and the token's `amr`. */
interface Finished {
  login: PendingLogin;
  method: MfaMethod;
}

/**
 * The second step of a login: a right password of an account with a second factor opens no
 * session but a waiting login, named by an opaque `mfa_token` (kept as its SHA-256) that only
 * POST /auth/mfa/verify (and the passkey options for it) takes. It ends with the right answer,
 * its fifth wrong one, or in 5 minutes.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly factors: SecondFactorRepository,
    private readonly codes: OneTimeCodes,
    private readonly passkeys: PasskeyCeremonies,
    private readonly sessions: SessionsService,
    private readonly attempts: LoginAttempts,
  ) {}

  /** Whether logging in to this account asks for a second factor. */
  required(user: Pick<User, 'mfa_totp' | 'mfa_passkeys'>): boolean {
    return user.mfa_totp || user.mfa_passkeys > 0;
  }

  /** The waiting login of an account whose password was just right, or whose provider (its id) just vouched for it. */
  async challenge(user: Pick<User, 'id' | 'mfa_totp' | 'mfa_passkeys'>, provider: string | null = null): Promise<MfaRequiredDto> {
    const token = newSecretToken();
    await this.factors.openChallenge(sha256Hex(token), user.id, provider, MFA_TOKEN_SECONDS);
    const methods: MfaMethod[] = [];
    if (user.mfa_totp) methods.push('totp');
    if (user.mfa_passkeys > 0) methods.push('webauthn');
    methods.push('recovery_code');
    return { mfa_required: true, mfa_token: token, expires_in: MFA_TOKEN_SECONDS, methods };
  }

  /** Options for a passkey of the waiting login's account to sign. */
  async passkeyOptions(mfaToken: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const login = await this.usableLogin(sha256Hex(mfaToken));
    return this.passkeys.authenticationOptions('second_factor', login.userId);
  }

  /** Finishes a waiting login with a code of the app, a recovery code or a passkey: the usual token pair. */
  async verify(dto: MfaVerifyDto, origin: ClientOrigin): Promise<TokenResponseDto> {
    assertOneAnswer(dto, true);
    const tokenHash = sha256Hex(dto.mfa_token);
    // Read first without a lock: an unknown token costs one indexed read and takes no lockout place.
    const login = await this.usableLogin(tokenHash);
    const context = { actorId: null, origin };
    const finished = dto.passkey ? await this.byPasskey(tokenHash, login, dto, context) : await this.byCode(tokenHash, dto, context);
    const { provider } = finished.login;
    const amr: AuthenticationMethod[] = [provider === null ? 'pwd' : 'fed', finished.method === 'webauthn' ? 'webauthn' : 'otp'];
    const event = auditRecord({ actorId: finished.login.userId, origin }, AuditAction.LOGIN_SUCCEEDED, finished.login.userId, {
      second_factor: finished.method,
      ...(provider !== null && { provider }),
    });
    return this.sessions.open({ id: finished.login.userId, email_verified: finished.login.emailVerified }, origin, event, amr);
  }

  private async byCode(tokenHash: string, dto: MfaVerifyDto, context: AuditContext): Promise<Finished> {
    const outcome = await this.factors.transaction(async (factors) => {
      // Locked: two answers to one login are taken one after the other.
      const login = await factors.pendingLogin(tokenHash, MFA_MAX_FAILURES, true);
      if (!login?.usable) return 'invalid';
      const method = await this.codes.check(login, dto, context, factors);
      if (!method) {
        // Returned, not thrown: the failure is kept.
        if ((await factors.failChallenge(tokenHash)) >= MFA_MAX_FAILURES) await factors.endChallenge(tokenHash);
        return 'wrong';
      }
      await factors.endChallenge(tokenHash);
      return { login, method };
    });
    if (outcome === 'invalid') throw problem(ErrorCode.MFA_TOKEN_INVALID);
    if (outcome === 'wrong') throw problem(ErrorCode.INVALID_MFA_CODE);
    return outcome;
  }

  /**
   * A passkey's signature is checked outside any transaction (it spends its own challenge); then
   * the login is finished, and, as a right code does, it forgives the password's earlier failures.
   */
  private async byPasskey(tokenHash: string, login: PendingLogin, dto: MfaVerifyDto, context: AuditContext): Promise<Finished> {
    const attempt = await this.attempts.begin(accountNames(login), context.origin.ip);
    try {
      try {
        await this.passkeys.verifyAssertion('second_factor', login.userId, dto.passkey!, context);
      } catch (error) {
        if ((await this.factors.failChallenge(tokenHash)) >= MFA_MAX_FAILURES) await this.factors.endChallenge(tokenHash);
        throw error;
      }
      if (!(await this.factors.finishChallenge(tokenHash, MFA_MAX_FAILURES))) throw problem(ErrorCode.MFA_TOKEN_INVALID);
      await attempt.succeeded();
      return { login, method: 'webauthn' };
    } finally {
      // A refused signature counts nothing: it cannot be guessed.
      await attempt.abandon();
    }
  }

  private async usableLogin(tokenHash: string): Promise<PendingLogin> {
    const login = await this.factors.pendingLogin(tokenHash, MFA_MAX_FAILURES);
    if (!login?.usable) throw problem(ErrorCode.MFA_TOKEN_INVALID);
    return login;
  }
}
