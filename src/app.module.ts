import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AvatarsModule } from './avatars/avatars.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { MailModule } from './mail/mail.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { PagesModule } from './pages/pages.module';
import { PurgeModule } from './purge/purge.module';
import { RedisModule } from './redis/redis.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /** The whole service, configured by `env` (process.env in production). */
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggingModule,
        RedisModule,
        DatabaseModule,
        UsersModule,
        AvatarsModule,
        AuditModule,
        AuthModule,
        MailModule,
        PagesModule,
        PurgeModule,
        HealthModule,
      ],
    };
  }
}
