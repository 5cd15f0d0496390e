import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { markBearerRequired } from '../common/problems/bearer-challenge';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';
import { UNVERIFIED_ALLOWED } from '../access/unverified-allowed.decorator';
import { AppConfig } from '../config/app-config';
import { IS_PUBLIC } from '../access/public.decorator';
import type { AuthenticatedRequest, AuthenticatedUser } from '../access/authenticated-user';
import { JWT_STRATEGY } from './tokens/jwt.strategy';
import { SessionActivity } from './sessions/session-activity';

/**
 * Global: every route needs a valid access token unless it is @Public(), or 401 problem+json.
 * The caller goes to `request.user`; on a public route, when a valid token is sent (logout).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  private readonly requireVerification: boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly activity: SessionActivity,
    config: AppConfig,
  ) {
    super();
    this.requireVerification = config.emailTokens.requireVerification;
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const isPublic = this.isPublic(context);
    // No token on a public route (sign-up, login): nothing for passport to do.
    if (isPublic && request.headers.authorization === undefined) return true;
    // Any 401 of this request, here or later from the route, then challenges for a bearer token.
    if (!isPublic) markBearerRequired(request);
    return super.canActivate(context) as Promise<boolean>;
  }

  /** Returns the caller of a valid token, undefined on a public route without one; throws 401 otherwise. */
  override handleRequest<TUser = AuthenticatedUser | undefined>(
    _error: unknown,
    caller: AuthenticatedUser | false,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    // A strategy error (a token its library could not read) refuses like a bad token.
    if (!caller) {
      if (this.isPublic(context)) return undefined as TUser;
      throw ProblemException.unauthorized();
    }
    // With REQUIRE_EMAIL_VERIFICATION, an unproven address's token reaches what verifying needs only.
    if (this.requireVerification && caller.emailVerified === false && !this.isPublic(context) && !this.flag(context, UNVERIFIED_ALLOWED)) {
      throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
    }
    this.activity.touch(caller.sessionId);
    return caller as TUser;
  }

  private isPublic(context: ExecutionContext): boolean {
    return this.flag(context, IS_PUBLIC);
  }

  /** Whether the route's handler, or else its controller, sets `key`. */
  private flag(context: ExecutionContext, key: string): boolean {
    return this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) === true;
  }
}
