import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '../access/role.enum';
import type { User } from '../users/user.entity';
import type { AccountQuota } from '../common/account-quota';
import type { AppConfig } from '../config/app-config';
import type { AccountSecurity } from '../users/account-security';
import type { AuditService } from '../audit/audit.service';
import type { PasswordService } from '../users/password.service';
import type { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { ErrorCode } from '../common/problems/error-code.enum';
import { RoleCheckedInStatement, Roles } from '../access/roles.decorator';
import { RolesGuard } from './roles.guard';
import { problemFrom } from '../../test/support/problem-from';

@Roles([Role.ADMIN])
class AdminOnlyController {
  handler(): void {}
}

class OpenController {
  handler(): void {}
}

@Roles([Role.ADMIN])
class StatementCheckedController {
  @RoleCheckedInStatement(true)
  handler(): void {}
}

const SESSION_ID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';

function contextFor(controller: { prototype: { handler(): void } }, userId = 7): ExecutionContext {
  return {
    getHandler: () => controller.prototype.handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => ({ user: { id: userId, sessionId: SESSION_ID } }) }),
  } as unknown as ExecutionContext;
}

/**
 * A guard over a UsersService whose repository's roleOf answers `user`'s role: null stands for an
 * account that is deleted, deactivated, or whose session was revoked, which the query tells apart no more.
 */
function guardWith(user: Partial<User> | null) {
  const roleOf = jest.fn().mockResolvedValue(user?.role);
  const users = new UsersService(
    { roleOf } as unknown as UsersRepository,
    {} as PasswordService,
    {} as AccountSecurity,
    // requireRole records nothing, spends no quota, reads no setting: no fakes needed.
    {} as AuditService,
    {} as AccountQuota,
    {} as AppConfig,
  );
  return { guard: new RolesGuard(new Reflector(), users), roleOf };
}

/** The guard's answer as a promise: it answers a plain boolean where it needs no lookup. */
const activate = async (guard: RolesGuard, context: ExecutionContext) => guard.canActivate(context);

describe('RolesGuard', () => {
  it("admits an active ADMIN, looking the caller up by the token's id and session", async () => {
    const { guard, roleOf } = guardWith({ id: 7, role: Role.ADMIN, is_active: true });
    await expect(activate(guard, contextFor(AdminOnlyController))).resolves.toBe(true);
    expect(roleOf).toHaveBeenCalledWith({ id: 7, sessionId: SESSION_ID });
  });

  it.each([Role.USER, Role.DRIVER])('refuses an active %s with 403 FORBIDDEN', async (role) => {
    const { guard } = guardWith({ id: 7, role, is_active: true });
    const problem = await problemFrom(activate(guard, contextFor(AdminOnlyController)));
    expect(problem.getStatus()).toBe(403);
    expect(problem.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('refuses an admin that roleOf does not find (deleted, deactivated or session revoked) with 401', async () => {
    const { guard, roleOf } = guardWith(null);
    const problem = await problemFrom(activate(guard, contextFor(AdminOnlyController)));
    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(roleOf).toHaveBeenCalledTimes(1);
  });

  it('lets a route without roles through without a lookup: the route checks its own caller', async () => {
    // Global since issue 12: the self-profile routes check the session in their own statement.
    const { guard, roleOf } = guardWith(null);
    expect(guard.canActivate(contextFor(OpenController))).toBe(true);
    expect(roleOf).not.toHaveBeenCalled();
  });

  it('lets a route marked @RoleCheckedInStatement(true) through without a lookup: its service checks', async () => {
    const { guard, roleOf } = guardWith(null);
    expect(guard.canActivate(contextFor(StatementCheckedController))).toBe(true);
    expect(roleOf).not.toHaveBeenCalled();
  });
});
