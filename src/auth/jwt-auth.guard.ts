import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { markBearerRequired } from '../common/problems/bearer-challenge';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';
import { UNVERIFIED_ALLOWED } from '../access/unverified-allowed.decorator';
import { AppConfig } from '../config/app-config';
import { IS_PUBLIC } from '../access/public.decorator';
import { routeMetadata } from '../common/route-metadata';
import type { AuthenticatedRequest } from '../access/authenticated-user';
import { JWT_STRATEGY } from './tokens/jwt.strategy';
import { SessionActivity } from './sessions/session-activity';
import { Decision, runStrategy } from './tokens/run-strategy';

/**
 * Global: every route needs a valid access token unless it is @Public(), or 401 problem+json.
 * The caller goes to `request.user`; on a public route, when a valid token is sent (logout).
 * Passport runs the strategy (not @nestjs/passport's AuthGuard, whose per-request option spreads
 * and promises cost 10% of the CPU of GET /users: bench/README.md).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly isPublicRoute: (context: ExecutionContext) => boolean | undefined;
  private readonly allowsUnverified: (context: ExecutionContext) => boolean | undefined;
  private readonly requireVerification: boolean;

  constructor(
    reflector: Reflector,
    private readonly activity: SessionActivity,
    config: AppConfig,
  ) {
    this.isPublicRoute = routeMetadata<boolean>(reflector, IS_PUBLIC);
    this.allowsUnverified = routeMetadata<boolean>(reflector, UNVERIFIED_ALLOWED);
    this.requireVerification = config.emailTokens.requireVerification;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const isPublic = this.isPublicRoute(context) === true;
    // No token on a public route (sign-up, login): nothing for passport to do.
    if (isPublic && request.headers.authorization === undefined) return true;
    // Any 401 of this request, here or later from the route, then challenges for a bearer token.
    if (!isPublic) markBearerRequired(request);
    const decision = runStrategy(JWT_STRATEGY, request, http.getResponse());
    return decision instanceof Promise
      ? decision.then((caller) => this.admit(context, request, caller, isPublic))
      : this.admit(context, request, decision, isPublic);
  }

  private admit(context: ExecutionContext, request: AuthenticatedRequest, caller: Decision, isPublic: boolean): boolean {
    if (caller) {
      // With REQUIRE_EMAIL_VERIFICATION, an unproven address's token reaches what verifying needs only.
      if (this.requireVerification && caller.emailVerified === false && !isPublic && !this.allowsUnverified(context)) {
        throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
      }
      request.user = caller;
      this.activity.touch(caller.sessionId);
    } else if (!isPublic) throw ProblemException.unauthorized();
    return true;
  }
}
