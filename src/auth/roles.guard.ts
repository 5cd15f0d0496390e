import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';
import type { AuthenticatedUser } from '../access/authenticated-user';
import type { Role } from '../access/role.enum';
import { Roles } from '../access/roles.decorator';
import { UsersService } from '../users/users.service';

/**
 * Global, after JwtAuthGuard: on a route with @Roles(), admits a caller whose session is open,
 * whose account is live and active (else 401), and whose role, read from the database rather
 * than from the token, is one of them (else 403). The one place a route's role is checked; other
 * routes pass without a lookup.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const roles = this.reflector.getAllAndOverride(Roles, [context.getHandler(), context.getClass()]);
    // Other routes pass at once, without a promise: most requests are theirs.
    return roles ? this.hasRole(context, roles) : true;
  }

  private async hasRole(context: ExecutionContext, roles: Role[]): Promise<boolean> {
    const { user: caller } = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
    // The role alone, not the row: one small statement before the route's own.
    const role = await this.users.roleOf(caller);
    if (!role) throw ProblemException.unauthorized();
    if (!roles.includes(role)) throw problem(ErrorCode.FORBIDDEN);
    return true;
  }
}
