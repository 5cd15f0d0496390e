import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RedisThrottlerStorage } from '../redis/redis-throttler.storage';
import { UsersModule } from '../users/users.module';
import { AccessTokenModule } from './access-token.module';
import { AdminSeeder } from './admin.seeder';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    UsersModule,
    AccessTokenModule,
    // Global: the limit also guards POST /users/password in UsersModule.
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) => ({
        throttlers: [{ ttl: 60_000, limit: config.bruteForce.authRequestsPerMinute }],
        // One bucket per address across every rate-limited route.
        generateKey: (_context, tracker) => `auth:${tracker}`,
        // Shared by every instance when there is Redis; in memory otherwise.
        storage: redis ? new RedisThrottlerStorage(redis) : undefined,
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, SessionsService, AdminSeeder],
})
export class AuthModule {}
