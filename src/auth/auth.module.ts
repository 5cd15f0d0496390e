import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AccountQuota } from '../common/account-quota';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RedisThrottlerStorage } from '../redis/redis-throttler.storage';
import { AccountSecurity } from '../users/account-security';
import { UsersModule } from '../users/users.module';
import { AccessTokenModule } from './tokens/access-token.module';
import { AuthAccountSecurity } from './account-security.service';
import { AdminSeeder } from './admin.seeder';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { EmailLinksModule } from './email-links/email-links.module';
import { ProvidersModule } from './providers/providers.module';
import { SecondFactorModule } from './second-factor/second-factor.module';
import { SessionsModule } from './sessions/sessions.module';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginAttempts } from './lockout/login-attempts';
import { MemoryLoginAttempts } from './lockout/memory-login-attempts';
import { RateLimitThrottler } from './lockout/rate-limit.throttler';
import { RedisLoginAttempts } from './lockout/redis-login-attempts';
import { RolesGuard } from './roles.guard';

/**
 * Authentication: sign-up, login, tokens and sessions, lockouts and the rate limit, and the
 * guards of every route (global, in this order: access token, roles, rate limit). Global so
 * that UsersModule gets AccountSecurity without importing this module: auth uses users, never
 * the reverse.
 */
@Global()
@Module({
  imports: [
    UsersModule,
    AccessTokenModule,
    SessionsModule,
    EmailLinksModule,
    SecondFactorModule,
    ProvidersModule,
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
  providers: [
    AuthService,
    AdminSeeder,
    AccountQuota,
    {
      provide: LoginAttempts,
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) =>
        redis ? new RedisLoginAttempts(redis, config) : new MemoryLoginAttempts(config),
    },
    { provide: AccountSecurity, useClass: AuthAccountSecurity },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: RateLimitThrottler },
  ],
  exports: [AccountSecurity, AccountQuota, LoginAttempts],
})
export class AuthModule {}
