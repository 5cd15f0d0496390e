import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RedisThrottlerStorage } from '../redis/redis-throttler.storage';
import { UsersModule } from '../users/users.module';
import { AdminSeeder } from './admin.seeder';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    UsersModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // @nestjs/jwt's types predate KeyObject; jsonwebtoken takes it.
        secret: config.jwt.key as unknown as Buffer,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
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
  providers: [AuthService, SessionsService, JwtStrategy, AdminSeeder],
})
export class AuthModule {}
