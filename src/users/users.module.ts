import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { AccessTokenModule } from '../auth/access-token.module';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RedisLoginAttempts } from '../redis/redis-login-attempts';
import { AdminUsersController } from './admin-users.controller';
import { LoginAttempts } from './login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';
import { PasswordService } from './password.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  // The JWT guards of both controllers.
  imports: [AccessTokenModule],
  controllers: [UsersController, AdminUsersController],
  providers: [
    UsersService,
    PasswordService,
    {
      provide: LoginAttempts,
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) =>
        redis ? new RedisLoginAttempts(redis, config) : new MemoryLoginAttempts(config),
    },
  ],
  exports: [UsersService, PasswordService, LoginAttempts],
})
export class UsersModule {}
