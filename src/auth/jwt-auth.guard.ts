import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { markBearerRequired } from '../common/bearer-challenge';
import { ProblemException } from '../common/problem.exception';
import { AccessTokenService } from './access-token.service';
import type { AuthenticatedRequest } from './authenticated-user';

/** A valid access token, or 401 problem+json; the caller goes to `request.user`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Any 401 of this request, here or later from the route, then challenges for a bearer token.
    markBearerRequired(request);
    const caller = this.tokens.callerOf(request);
    if (!caller) throw ProblemException.unauthorized();
    request.user = caller;
    return true;
  }
}
