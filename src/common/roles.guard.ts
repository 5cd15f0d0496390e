import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { UsersService } from '../users/users.service';
import { ErrorCode } from './error-code.enum';
import { problem, ProblemException } from './problem.exception';
import { Roles } from './roles.decorator';

/**
 * Admits a caller whose session is open and whose role, read from the database rather than
 * from the token, is one of the route's. Runs after JwtAuthGuard.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride(Roles, [context.getHandler(), context.getClass()]);
    const { user: caller } = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
    const user = await this.users.findByCaller(caller);
    if (!user) throw ProblemException.unauthorized();
    if (roles && !roles.includes(user.role)) {
      throw problem(ErrorCode.FORBIDDEN);
    }
    return true;
  }
}
