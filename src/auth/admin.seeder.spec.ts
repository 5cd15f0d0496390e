import { HttpStatus } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ErrorCode } from '../common/problems/error-code.enum';
import { ProblemException } from '../common/problems/problem.exception';
import { Role } from '../access/role.enum';
import type { UsersService } from '../users/users.service';
import { AdminSeeder } from './admin.seeder';

function setup(hasActiveAdmin: boolean, create: jest.Mock = jest.fn().mockResolvedValue({ id: 1 })) {
  const users = { hasActiveAdmin: jest.fn().mockResolvedValue(hasActiveAdmin), create };
  const config = { admin: { email: ' Admin@ＥＸＡＭＰＬＥ.com ', password: 'admin-password-1' } } as AppConfig;
  return { seeder: new AdminSeeder(config, users as unknown as UsersService), users };
}

describe('AdminSeeder', () => {
  it('creates the admin, its email normalised and taken as verified, when there is no active admin', async () => {
    const { seeder, users } = setup(false);
    await seeder.onApplicationBootstrap();
    expect(users.create).toHaveBeenCalledWith({
      email: 'admin@example.com',
      password: 'admin-password-1',
      name: 'Administrator',
      role: Role.ADMIN,
      email_verified: true,
    });
  });

  it('does nothing while any active admin exists, whatever its email', async () => {
    const { seeder, users } = setup(true);
    await seeder.onApplicationBootstrap();
    expect(users.create).not.toHaveBeenCalled();
  });

  it('leaves a taken email as it is', async () => {
    const taken = new ProblemException(HttpStatus.CONFLICT, ErrorCode.EMAIL_TAKEN, 'taken');
    const { seeder } = setup(false, jest.fn().mockRejectedValue(taken));
    await expect(seeder.onApplicationBootstrap()).resolves.toBeUndefined();
  });

  it('refuses to start with a weak ADMIN_PASSWORD', async () => {
    const weak = new ProblemException(HttpStatus.BAD_REQUEST, ErrorCode.WEAK_PASSWORD, 'This password is common.');
    const { seeder } = setup(false, jest.fn().mockRejectedValue(weak));
    await expect(seeder.onApplicationBootstrap()).rejects.toThrow('ADMIN_PASSWORD is refused: This password is common.');
  });
});
