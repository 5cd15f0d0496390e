import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { migratedDatabase } from '../../test/support/migrated-database';
import { problemFrom } from '../../test/support/problem-from';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { Role } from '../access/role.enum';
import { Roles } from '../access/roles.decorator';
import type { AuditService } from '../audit/audit.service';
import type { AccountQuota } from '../common/account-quota';
import { ErrorCode } from '../common/problems/error-code.enum';
import type { AppConfig } from '../config/app-config';
import type { AppDataSource } from '../database/app-data-source';
import type { AccountSecurity } from '../users/account-security';
import type { PasswordService } from '../users/password.service';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { RolesGuard } from './roles.guard';

@Roles([Role.ADMIN])
class AdminOnlyController {
  handler(): void {}
}

class OpenController {
  handler(): void {}
}

class DriversController {
  @Roles([Role.ADMIN, Role.DRIVER])
  handler(): void {}
}

/** RolesGuard over the real UsersService and repository, on a migrated PGlite. */
describe('RolesGuard', () => {
  let dataSource: AppDataSource;
  let guard: RolesGuard;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
    // roleOf reads, records nothing, spends no quota and hashes nothing: the other collaborators stay unused.
    const users = new UsersService(
      new UsersRepository(dataSource),
      {} as PasswordService,
      {} as AccountSecurity,
      {} as AuditService,
      {} as AccountQuota,
      {} as AppConfig,
    );
    guard = new RolesGuard(new Reflector(), users);
  });

  afterAll(() => dataSource?.destroy());

  /** A caller with an open session, whose account has `role`. */
  async function caller(username: string, role: Role): Promise<AuthenticatedUser> {
    const [{ id }] = await dataSource.query(
      `INSERT INTO users (email, username, name, role) VALUES ($1, $2, $2, $3) RETURNING id`,
      [`${username}@example.com`, username, role],
    );
    const sessionId = randomUUID();
    await dataSource.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [sessionId, id]);
    return { id, sessionId };
  }

  function contextFor(controller: { prototype: { handler(): void } }, user: AuthenticatedUser): ExecutionContext {
    return {
      getHandler: () => controller.prototype.handler,
      getClass: () => controller,
      switchToHttp: () => ({ getRequest: () => ({ user }) }),
    } as unknown as ExecutionContext;
  }

  /** The guard's answer as a promise: it answers a plain boolean where it needs no lookup. */
  const activate = async (context: ExecutionContext) => guard.canActivate(context);

  it('admits an active ADMIN with an open session, and a role the handler names', async () => {
    const admin = await caller('boss', Role.ADMIN);
    const driver = await caller('carl', Role.DRIVER);

    await expect(activate(contextFor(AdminOnlyController, admin))).resolves.toBe(true);
    await expect(activate(contextFor(DriversController, driver))).resolves.toBe(true);
  });

  it.each([Role.USER, Role.DRIVER])('refuses an active %s with 403 FORBIDDEN', async (role) => {
    const user = await caller(`user_${role.toLowerCase()}`, role);

    const refused = await problemFrom(activate(contextFor(AdminOnlyController, user)));

    expect([refused.getStatus(), refused.code]).toEqual([403, ErrorCode.FORBIDDEN]);
  });

  it("refuses an admin whose session ended, or whose account is deactivated or deleted, with 401: the role read, not the token's", async () => {
    const admin = await caller('chief', Role.ADMIN);
    const refusedWith = async (user: AuthenticatedUser) => {
      const refused = await problemFrom(activate(contextFor(AdminOnlyController, user)));
      return [refused.getStatus(), refused.code];
    };

    expect(await refusedWith({ ...admin, sessionId: randomUUID() })).toEqual([401, ErrorCode.UNAUTHORIZED]);
    await dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [admin.id]);
    expect(await refusedWith(admin)).toEqual([401, ErrorCode.UNAUTHORIZED]);
    await dataSource.query('UPDATE users SET is_active = true, deleted_at = now() WHERE id = $1', [admin.id]);
    expect(await refusedWith(admin)).toEqual([401, ErrorCode.UNAUTHORIZED]);
    await dataSource.query('UPDATE users SET deleted_at = NULL WHERE id = $1', [admin.id]);
    await dataSource.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [admin.sessionId]);
    expect(await refusedWith(admin)).toEqual([401, ErrorCode.UNAUTHORIZED]);
  });

  it('lets a route without roles through at once, without a lookup: the route checks its own caller', () => {
    // A caller no database knows: a lookup would refuse it.
    expect(guard.canActivate(contextFor(OpenController, { id: 404, sessionId: randomUUID() }))).toBe(true);
  });
});
