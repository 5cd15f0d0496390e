import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AccessTokenService } from './access-token.service';
import type { AuthenticatedRequest } from './authenticated-user';

/** Reads a valid access token when there is one; a missing or bad one is simply no caller. */
@Injectable()
export class OptionalJwtAuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.user = this.tokens.callerOf(request);
    return true;
  }
}
