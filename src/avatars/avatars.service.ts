import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AuditContext } from '../audit/audit-record';
import { DEFAULT_IMAGE_PATH, User } from '../users/user.entity';
import type { Target } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AvatarDecoder } from './avatar-decoder';
import { avatarPath, hashOfPath } from './avatar-name';
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
   * the decoder has no time for it) and shows it (show()).
   */
  async replace(target: Target, upload: Buffer, context: AuditContext): Promise<User> {
    return this.show(target, await this.decoder.decode(upload), context);
  }

  /**
   * Stores a picture made by the decoder under the hash of its bytes and points the target's
   * `image_path` at it, in one transaction, which also deletes the picture it replaces when no
   * other account shows it: an account that is gone (404, or 401 for a caller) leaves nothing
   * stored. The change is audited as a profile update naming `image_path`.
   */
  show(target: Target, bytes: Buffer, context: AuditContext): Promise<User> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    return this.change(target, avatarPath(hash), context, { hash, bytes });
  }

  /** Puts the default picture back, and deletes the old one in the same transaction when no other account shows it. */
  remove(target: Target, context: AuditContext): Promise<User> {
    return this.change(target, DEFAULT_IMAGE_PATH, context);
  }

  /**
   * Points the target at `imagePath`, storing `picture` first when given. In order, each a lock
   * that the next waits behind: the account's row (its current picture), then the new picture's
   * and the old one's rows (avatars.lock), so that the old one's deletion judges every account
   * that shows it (deleteUnlessShown).
   */
  private change(target: Target, imagePath: string, context: AuditContext, picture?: { hash: string; bytes: Buffer }): Promise<User> {
    return this.avatars.transaction(async (avatars) => {
      const previous = await this.users.lockedImagePath(target, avatars.manager);
      // No such target: the change below says why (401 or 404), and nothing is stored.
      const replaced = previous === undefined ? undefined : hashOfPath(previous);
      const old = replaced !== picture?.hash ? replaced : undefined;
      if (previous !== undefined) {
        const locked = [picture?.hash, old].filter((hash): hash is string => hash !== undefined);
        if (locked.length > 0) await avatars.lock(locked);
        if (picture) await avatars.store(picture.hash, picture.bytes);
      }
      const user = await this.users.change(target, { image_path: imagePath }, { context, manager: avatars.manager });
      if (old) await avatars.deleteUnlessShown(old);
      return user;
    });
  }

  bytesOf(hash: string): Promise<Buffer | undefined> {
    return this.avatars.bytesOf(hash);
  }
}
