import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { UserActivityController } from './user-activity.controller';

/**
 * The audit trail: every feature that changes an account writes its event through AuditService,
 * in its own transaction. Global, so that UsersModule gets it without importing this module,
 * which imports UsersModule for the activity route's caller check.
 */
@Global()
@Module({
  imports: [UsersModule],
  controllers: [AuditController, UserActivityController],
  providers: [AuditService, AuditRepository],
  exports: [AuditService],
})
export class AuditModule {}
