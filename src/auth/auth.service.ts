import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.enum';
import { auditRecord } from '../audit/audit-record';
import { AuditService } from '../audit/audit.service';
import type { ClientOrigin } from '../common/client-origin';
import { ErrorCode } from '../common/error-code.enum';
import { problem, ProblemException } from '../common/problem.exception';
import { AppConfig } from '../config/app-config';
import { accountKeys, accountLocked, LoginAttempts, loginNameKey } from './login-attempts';
import { PasswordService } from '../users/password.service';
import { Role } from '../users/role.enum';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { AuthenticatedUser } from '../users/authenticated-user';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { SessionsService } from './sessions.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly attempts: LoginAttempts,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** Sign-up always makes a USER; the caller is logged in at once. */
  async register(dto: RegisterDto, origin: ClientOrigin): Promise<{ user: User; tokens: TokenResponseDto }> {
    const user = await this.users.create({ ...dto, role: Role.USER }, { actorId: null, origin });
    return { user, tokens: await this.sessions.open(user.id, origin) };
  }

  /**
   * One answer for an unknown account and a wrong password, at the same bcrypt cost, and the
   * same lockout for both: it is counted on the name sent, before the account is looked up.
   * That an account is disabled is told only after its password.
   */
  async login(dto: LoginDto, origin: ClientOrigin): Promise<TokenResponseDto> {
    const name = dto.email ?? dto.username ?? '';
    const key = loginNameKey(name);
    // The name tried, as it was sent: which account it was meant for, whether or not it exists.
    const refused = async (action: AuditAction, userId: number | null, reason?: string) =>
      this.audit.record(auditRecord({ actorId: null, origin }, action, userId, { login: name, ...(reason && { reason }) }));
    const lockedFor = await this.attempts.attempt(key);
    if (lockedFor > 0) {
      await refused(AuditAction.LOGIN_LOCKED, null);
      throw accountLocked(lockedFor);
    }
    const user = await this.users.findByLogin(dto);
    const valid = await this.passwords.verify(dto.password, user?.password_hash);
    if (!user || !valid) {
      await refused(AuditAction.LOGIN_FAILED, user?.id ?? null, user ? 'wrong_password' : 'unknown_account');
      throw problem(ErrorCode.INVALID_CREDENTIALS);
    }
    await this.attempts.clearAll([...new Set([key, ...accountKeys(user)])]);
    if (!user.is_active) {
      await refused(AuditAction.LOGIN_FAILED, user.id, 'account_disabled');
      throw problem(ErrorCode.ACCOUNT_DISABLED);
    }
    if (this.config.emailTokens.requireVerification && !user.email_verified) {
      await refused(AuditAction.LOGIN_FAILED, user.id, 'email_not_verified');
      throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
    }
    await this.users.upgradeHash(user, dto.password);
    return this.sessions.open(user.id, origin, auditRecord({ actorId: user.id, origin }, AuditAction.LOGIN_SUCCEEDED, user.id));
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
      throw ProblemException.unauthorized('No open session was given.');
    }
  }
}
