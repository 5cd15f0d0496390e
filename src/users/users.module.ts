import { Module } from '@nestjs/common';
import { AdminUsersController } from './admin-users.controller';
import { LoginAttemptsService } from './login-attempts.service';
import { PasswordService } from './password.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController, AdminUsersController],
  providers: [UsersService, PasswordService, LoginAttemptsService],
  exports: [UsersService, PasswordService, LoginAttemptsService],
})
export class UsersModule {}
