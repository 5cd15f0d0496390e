import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../database/bound-repository';
import { queryRows } from '../database/query-rows';

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

  /** A stored picture's bytes. */
  async bytesOf(hash: string): Promise<Buffer | undefined> {
    const [row] = await queryRows<{ bytes: Uint8Array }>(this.manager, `SELECT bytes FROM avatars WHERE hash = $1`, [hash]);
    // pg answers a Buffer, PGlite's bridge a Uint8Array: the same bytes, without a copy.
    return row && Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  }
}
