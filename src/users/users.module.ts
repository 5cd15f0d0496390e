import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersController } from './admin-users.controller';
import { PasswordService } from './password.service';
import { UserActivityController } from './user-activity.controller';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Accounts: the self-profile and admin controllers, their rules and the users table. Its
 * routes are guarded by AuthModule's global guards (@Roles() says who may call); what an
 * account change asks of authentication goes through AccountSecurity, which AuthModule provides.
 */
@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [UsersController, AdminUsersController, UserActivityController],
  providers: [UsersService, UsersRepository, PasswordService],
  exports: [UsersService, PasswordService],
})
export class UsersModule {}
