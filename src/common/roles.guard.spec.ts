import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '../users/role.enum';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { ErrorCode } from './error-code.enum';
import { ProblemException } from './problem.exception';
import { Roles } from './roles.decorator';
import { RolesGuard } from './roles.guard';

@Roles([Role.ADMIN])
class AdminOnlyController {
  handler(): void {}
}

class OpenController {
  handler(): void {}
}

function contextFor(controller: { prototype: { handler(): void } }, userId = 7): ExecutionContext {
  return {
    getHandler: () => controller.prototype.handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => ({ user: { id: userId, sessionId: 'sid' } }) }),
  } as unknown as ExecutionContext;
}

function guardWith(user: Partial<User> | null) {
  const findById = jest.fn().mockResolvedValue(user);
  const guard = new RolesGuard(new Reflector(), { findById } as unknown as UsersService);
  return { guard, findById };
}

async function problemFrom(promise: Promise<unknown>): Promise<ProblemException> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return error as ProblemException;
}

describe('RolesGuard', () => {
  it('admits an active ADMIN, looking the caller up by the token id', async () => {
    const { guard, findById } = guardWith({ id: 7, role: Role.ADMIN, is_active: true });
    await expect(guard.canActivate(contextFor(AdminOnlyController))).resolves.toBe(true);
    expect(findById).toHaveBeenCalledWith(7);
  });

  it.each([Role.USER, Role.DRIVER])('refuses an active %s with 403 FORBIDDEN', async (role) => {
    const { guard } = guardWith({ id: 7, role, is_active: true });
    const problem = await problemFrom(guard.canActivate(contextFor(AdminOnlyController)));
    expect(problem.getStatus()).toBe(403);
    expect(problem.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('refuses a deactivated admin with 401', async () => {
    const { guard } = guardWith({ id: 7, role: Role.ADMIN, is_active: false });
    const problem = await problemFrom(guard.canActivate(contextFor(AdminOnlyController)));
    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
  });

  it('refuses a caller whose account no longer exists with 401', async () => {
    const { guard } = guardWith(null);
    const problem = await problemFrom(guard.canActivate(contextFor(AdminOnlyController)));
    expect(problem.getStatus()).toBe(401);
    expect(problem.code).toBe(ErrorCode.UNAUTHORIZED);
  });

  it('admits any active user on a route without roles, but still not an inactive one', async () => {
    await expect(
      guardWith({ id: 7, role: Role.USER, is_active: true }).guard.canActivate(contextFor(OpenController)),
    ).resolves.toBe(true);
    const problem = await problemFrom(
      guardWith({ id: 7, role: Role.USER, is_active: false }).guard.canActivate(contextFor(OpenController)),
    );
    expect(problem.getStatus()).toBe(401);
  });
});
