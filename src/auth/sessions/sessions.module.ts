import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { AccessTokenModule } from '../tokens/access-token.module';
import { AdminSessionsController } from './admin-sessions.controller';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';
import { SessionActivity } from './session-activity';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { UserSessionsController } from './user-sessions.controller';

/**
 * Sessions and their refresh tokens: opened by a login, rotated by a refresh, listed as devices
 * and ended one by one or all at once. Access tokens are signed here (AccessTokenModule).
 */
@Module({
  imports: [UsersModule, AccessTokenModule, TypeOrmModule.forFeature([Session, RefreshToken])],
  controllers: [UserSessionsController, AdminSessionsController],
  providers: [SessionsService, SessionsRepository, SessionActivity],
  exports: [SessionsService, SessionsRepository, SessionActivity],
})
export class SessionsModule {}
