import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../database/bound-repository';
import { queryRows } from '../database/query-rows';
import { avatarPath } from './avatar-name';

/** Every statement on the `avatars` table (the purge's is in src/purge). */
@Injectable()
export class AvatarsRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * Stores a picture under its hash; one already stored (another account's upload of the same
   * bytes) is kept and marked used now, which the purge reads as "not yet".
   */
  async store(hash: string, bytes: Buffer): Promise<void> {
    await queryRows(
      this.manager,
      `INSERT INTO avatars (hash, bytes) VALUES ($1, $2) ON CONFLICT (hash) DO UPDATE SET used_at = now()`,
      [hash, bytes],
    );
  }

  /**
   * Locks the stored pictures of these hashes (those that exist) until the transaction ends, in
   * the order of their hashes: two uploads that swap pictures wait for each other, not forever.
   */
  async lock(hashes: string[]): Promise<void> {
    await queryRows(this.manager, `SELECT 1 FROM avatars WHERE hash = ANY($1) ORDER BY hash FOR UPDATE`, [hashes]);
  }

  /**
   * Deletes a stored picture unless an account's `image_path` shows it, live or deleted. Run
   * with its row locked (lock()), and as a statement of its own: under READ COMMITTED its
   * snapshot then sees every upload of the same picture that committed before the lock came,
   * and one still to come stores it again (store() inserts what is gone).
   */
  async deleteUnlessShown(hash: string): Promise<void> {
    await queryRows(
      this.manager,
      `DELETE FROM avatars WHERE hash = $1 AND NOT EXISTS (
         SELECT 1 FROM users WHERE image_path LIKE '/avatars/%' AND image_path = $2)`,
      [hash, avatarPath(hash)],
    );
  }

  /** A stored picture's bytes. */
  async bytesOf(hash: string): Promise<Buffer | undefined> {
    const [row] = await queryRows<{ bytes: Uint8Array }>(this.manager, `SELECT bytes FROM avatars WHERE hash = $1`, [hash]);
    // pg returns a Buffer, PGlite's bridge a Uint8Array: the same bytes, without a copy.
    return row && Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  }
}
