import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AuditContext } from '../audit/audit-record';
import { DEFAULT_IMAGE_PATH, User } from '../users/user.entity';
import type { Target } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AvatarDecoder } from './avatar-decoder';
import { avatarPath } from './avatar-name';
import { AvatarsRepository } from './avatars.repository';

/** Profile pictures: an upload becomes a stored picture that the account's `image_path` names. */
@Injectable()
export class AvatarsService {
  constructor(
    private readonly avatars: AvatarsRepository,
    private readonly users: UsersService,
    private readonly decoder: AvatarDecoder,
  ) {}

  /**
   * Re-encodes the upload (400 INVALID_IMAGE when it is not a picture taken, 503 AVATAR_BUSY when
   * the decoder has no time for it), stores it under the hash of its bytes and points the
   * target's `image_path` at it, in one transaction: an account that is gone (404, or 401 for a
   * caller) leaves nothing stored. The change is audited as a profile update naming `image_path`.
   */
  async replace(target: Target, upload: Buffer, context: AuditContext): Promise<User> {
    const bytes = await this.decoder.decode(upload);
    const hash = createHash('sha256').update(bytes).digest('hex');
    return this.avatars.transaction(async (avatars) => {
      await avatars.store(hash, bytes);
      return this.users.setImagePath(target, avatarPath(hash), context, avatars.manager);
    });
  }

  /** Puts the default picture back; the purge removes the old one once no account shows it. */
  remove(target: Target, context: AuditContext): Promise<User> {
    return this.users.setImagePath(target, DEFAULT_IMAGE_PATH, context);
  }

  bytesOf(hash: string): Promise<Buffer | undefined> {
    return this.avatars.bytesOf(hash);
  }
}
