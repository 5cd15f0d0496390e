import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ProblemException } from '../common/problem.exception';
import { AuthenticatedUser } from './authenticated-user';

/** A valid access token, or 401 problem+json whatever passport found wrong. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return (await super.canActivate(context)) as boolean;
    } catch (error) {
      // The JWT library can throw on a signed but malformed payload (say, `null`).
      if (error instanceof ProblemException) throw error;
      throw ProblemException.unauthorized();
    }
  }

  override handleRequest<T = AuthenticatedUser>(error: unknown, user: T | false): T {
    if (error || !user) throw ProblemException.unauthorized();
    return user;
  }
}
