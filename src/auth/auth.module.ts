import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { AccountQuota } from '../common/account-quota';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RedisThrottlerStorage } from '../redis/redis-throttler.storage';
import { AccountSecurity } from '../users/account-security';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenModule } from './access-token.module';
import { AuthAccountSecurity } from './account-security.service';
import { AdminSeeder } from './admin.seeder';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';
import { AuthController } from './auth.controller';
import { EmailLinkMails } from './email-link-mails';
import { EmailLinksController } from './email-links.controller';
import { EmailLinksService } from './email-links.service';
import { EmailToken } from './email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginAttempts } from './login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';
import { RateLimitThrottler } from './rate-limit.throttler';
import { RedisLoginAttempts } from './redis-login-attempts';
import { RefreshToken } from './refresh-token.entity';
import { RolesGuard } from './roles.guard';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { SessionActivity } from './session-activity';
import { UserSessionsController } from './user-sessions.controller';
import { AdminSessionsController } from './admin-sessions.controller';

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
    MailModule,
    TypeOrmModule.forFeature([Session, RefreshToken, EmailToken]),
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
  controllers: [AuthController, EmailLinksController, UserSessionsController, AdminSessionsController],
  providers: [
    AuthService,
    SessionsService,
    SessionsRepository,
    SessionActivity,
    AdminSeeder,
    EmailLinkMails,
    EmailLinksService,
    EmailTokensRepository,
    RateLimitThrottler,
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
    { provide: APP_GUARD, useClass: AuthRateLimitGuard },
  ],
  exports: [AccountSecurity, AccountQuota],
})
export class AuthModule {}
