import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
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
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.reflector.getAllAndOverride(Roles, targets);
    // Other routes pass at once, without a promise: most requests are theirs.
    return roles && !this.reflector.getAllAndOverride(RoleCheckedInStatement, targets) ? this.hasRole(context, roles) : true;
  }

  private async hasRole(context: ExecutionContext, roles: Role[]): Promise<boolean> {
    const { user: caller } = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
    // The role alone, not the row: one small statement before the route's own.
    await this.users.requireRole(caller, roles);
    return true;
  }
}
