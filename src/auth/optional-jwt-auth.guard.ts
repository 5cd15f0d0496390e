import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthenticatedUser } from './authenticated-user';

/** Reads a valid access token when there is one; a missing or bad one is simply no caller. */
@Injectable()
export class OptionalJwtAuthGuard extends AuthGuard('jwt') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      await super.canActivate(context);
    } catch {
      // A token the JWT library chokes on is no caller either.
    }
    return true;
  }

  override handleRequest<T = AuthenticatedUser>(_error: unknown, user: T | false): T {
    return (user || undefined) as T;
  }
}
