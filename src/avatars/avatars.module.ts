import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AdminAvatarController } from './admin-avatar.controller';
import { AvatarDecoder } from './avatar-decoder';
import { AvatarsController } from './avatars.controller';
import { AvatarsRepository } from './avatars.repository';
import { AvatarsService } from './avatars.service';
import { UserAvatarController } from './user-avatar.controller';

/** Profile pictures: uploads by their owner or an administrator, stored in the database, served to anyone. */
@Module({
  imports: [UsersModule],
  controllers: [UserAvatarController, AdminAvatarController, AvatarsController],
  providers: [AvatarsService, AvatarsRepository, AvatarDecoder],
})
export class AvatarsModule {}
