import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { markBearerRequired } from '../common/bearer-challenge';
import { ProblemException } from '../common/problem.exception';
import { IS_PUBLIC } from '../common/public.decorator';
import type { AuthenticatedRequest } from '../users/authenticated-user';
import { AccessTokenService } from './access-token.service';

/**
 * Global: every route needs a valid access token unless it is @Public(), or 401 problem+json.
 * The caller goes to `request.user`; on a public route, when a valid token is sent (logout).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      request.user = this.tokens.callerOf(request);
      return true;
    }
    // Any 401 of this request, here or later from the route, then challenges for a bearer token.
    markBearerRequired(request);
    const caller = this.tokens.callerOf(request);
    if (!caller) throw ProblemException.unauthorized();
    request.user = caller;
    return true;
  }
}
