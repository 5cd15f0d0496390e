import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { markBearerRequired } from '../common/bearer-challenge';
import { ProblemException } from '../common/problem.exception';
import { IS_PUBLIC } from '../common/public.decorator';
import { routeMetadata } from '../common/route-metadata';
import type { AuthenticatedRequest } from '../users/authenticated-user';
import { JWT_STRATEGY } from './jwt.strategy';
import { SessionActivity } from './session-activity';
import { Decision, runStrategy } from './run-strategy';

/**
 * Global: every route needs a valid access token unless it is @Public(), or 401 problem+json.
 * The caller goes to `request.user`; on a public route, when a valid token is sent (logout).
 * Passport runs the strategy (not @nestjs/passport's AuthGuard, whose per-request option spreads
 * and promises cost 10% of the CPU of GET /users: bench/README.md).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly isPublicRoute: (context: ExecutionContext) => boolean | undefined;

  constructor(
    reflector: Reflector,
    private readonly activity: SessionActivity,
  ) {
    this.isPublicRoute = routeMetadata<boolean>(reflector, IS_PUBLIC);
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
      ? decision.then((caller) => this.admit(request, caller, isPublic))
      : this.admit(request, decision, isPublic);
  }

  private admit(request: AuthenticatedRequest, caller: Decision, isPublic: boolean): boolean {
    if (caller) {
      request.user = caller;
      this.activity.touch(caller.sessionId);
    } else if (!isPublic) throw ProblemException.unauthorized();
    return true;
  }
}
