import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from '../common/route-metadata';
import type { AuthenticatedUser } from '../access/authenticated-user';
import type { Role } from '../access/role.enum';
import { RoleCheckedInStatement, Roles } from '../access/roles.decorator';
import { UsersService } from '../users/users.service';

/**
 * Global, after JwtAuthGuard: on a route with @Roles(), admits a caller whose session is open
 * and whose role, read from the database rather than from the token, is one of them. Other
 * routes pass without a lookup, and so does a route marked @RoleCheckedInStatement(true), whose
 * service checks the role in the route's own statement.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly rolesOf: (context: ExecutionContext) => Role[] | undefined;
  private readonly checksInStatement: (context: ExecutionContext) => boolean | undefined;

  constructor(
    reflector: Reflector,
    private readonly users: UsersService,
  ) {
    this.rolesOf = routeMetadata(reflector, Roles);
    this.checksInStatement = routeMetadata(reflector, RoleCheckedInStatement);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const roles = this.rolesOf(context);
    // Other routes pass at once, without a promise: most requests are theirs.
    return roles && !this.checksInStatement(context) ? this.hasRole(context, roles) : true;
  }

  private async hasRole(context: ExecutionContext, roles: Role[]): Promise<boolean> {
    const { user: caller } = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
    // The role alone, not the row: one small statement before the route's own.
    await this.users.requireRole(caller, roles);
    return true;
  }
}
