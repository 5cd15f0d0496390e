import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.enum';
import { auditRecord } from '../audit/audit-record';
import { AuditService } from '../audit/audit.service';
import type { ClientOrigin } from '../common/http/client-origin';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';
import { AppConfig } from '../config/app-config';
import { accountNames, LoginAttempt, LoginAttempts } from './lockout/login-attempts';
import { loginDigest } from './lockout/login-digest';
import { PasswordService } from '../users/password.service';
import { Role } from '../access/role.enum';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenResponseDto } from './sessions/dto/token-response.dto';
import { SessionsService } from './sessions/sessions.service';
import { MfaRequiredDto } from './second-factor/dto/mfa-required.dto';
import { MfaLoginService } from './second-factor/mfa-login.service';

@Injectable()
export class AuthService {
  private readonly loginDigest: (name: string) => string;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly attempts: LoginAttempts,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly mfa: MfaLoginService,
  ) {
    this.loginDigest = loginDigest(config.jwt.secret);
  }

  /** Sign-up always makes a USER; the caller is logged in at once. */
  async register(dto: RegisterDto, origin: ClientOrigin): Promise<{ user: User; tokens: TokenResponseDto }> {
    const user = await this.users.create({ ...dto, role: Role.USER }, { context: { actorId: null, origin } });
    return { user, tokens: await this.sessions.open(user, origin) };
  }

  /**
   * One answer for an unknown account and a wrong password, at the same bcrypt cost, and the
   * same lockout for both: it is counted on the name sent, before the account is looked up.
   * That an account is disabled is told only after its password.
   */
  async login(dto: LoginDto, origin: ClientOrigin): Promise<TokenResponseDto | MfaRequiredDto> {
    const name = dto.email ?? dto.username ?? '';
    // The name tried, as a keyed digest: it correlates attempts, and a password typed into the
    // name field is not kept.
    const refused = async (action: AuditAction, userId: number | null, reason?: string) =>
      this.audit.record(
        auditRecord({ actorId: null, origin }, action, userId, { login_digest: this.loginDigest(name), ...(reason && { reason }) }),
      );
    let attempt: LoginAttempt;
    try {
      attempt = await this.attempts.begin([name], origin.ip);
    } catch (error) {
      if (error instanceof ProblemException && error.code === ErrorCode.ACCOUNT_LOCKED) await refused(AuditAction.LOGIN_LOCKED, null);
      throw error;
    }
    try {
      const user = await this.users.findByLogin(dto);
      const valid = await this.passwords.verify(dto.password, user?.password_hash);
      if (!user || !valid) {
        await attempt.failed();
        await refused(AuditAction.LOGIN_FAILED, user?.id ?? null, user ? 'wrong_password' : 'unknown_account');
        throw problem(ErrorCode.INVALID_CREDENTIALS);
      }
      // With a second factor the password alone forgives nothing: the lockout's counts stand
      // until a code is right, or guesses of codes could be spread over fresh logins.
      const secondFactor = this.mfa.required(user);
      if (secondFactor) await attempt.abandon();
      else await attempt.succeeded(accountNames(user));
      if (!user.is_active) {
        await refused(AuditAction.LOGIN_FAILED, user.id, 'account_disabled');
        throw problem(ErrorCode.ACCOUNT_DISABLED);
      }
      if (this.config.emailTokens.requireVerification && !user.email_verified) {
        await refused(AuditAction.LOGIN_FAILED, user.id, 'email_not_verified');
        throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
      }
      // The same password, re-hashed when its hash was made at a lower cost: no change of the account.
      await this.users.change({ id: user.id }, { password: dto.password }, { context: { actorId: user.id, origin }, login: user });
      if (secondFactor) return await this.mfa.challenge(user);
      return await this.sessions.open(user, origin, auditRecord({ actorId: user.id, origin }, AuditAction.LOGIN_SUCCEEDED, user.id));
    } finally {
      // A check that ended in an error (the database away) gives its place back, counting nothing.
      await attempt.abandon();
    }
  }

  refresh(refreshToken: string, origin: ClientOrigin): Promise<TokenResponseDto> {
    return this.sessions.refresh(refreshToken, origin);
  }

  /**
   * Ends the session of the access token, of the refresh token, or both. At least one of them
   * must name a session that is still open.
   */
  async logout(caller: AuthenticatedUser | undefined, refreshToken: string | undefined, origin: ClientOrigin): Promise<void> {
    if (!(await this.sessions.logout(caller, refreshToken, origin))) {
      throw ProblemException.unauthorized({ key: 'problems.auth.noSession' });
    }
  }
}
