import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditRecord } from '../../audit/audit-record';
import { insertEvent } from '../../audit/audit.repository';
import { BoundRepository } from '../../database/bound-repository';
import { queryRows } from '../../database/query-rows';

/** A key as the database keeps it, its private part still sealed. */
export interface StoredKey {
  kid: string;
  algorithm: string;
  publicJwk: Record<string, unknown>;
  sealedPrivateKey: string;
  createdAt: Date;
  signsFrom: Date;
  retiresAt: Date | null;
}

/** A key to add: the database's clock sets its times. */
export type NewKey = Pick<StoredKey, 'kid' | 'algorithm' | 'publicJwk' | 'sealedPrivateKey'>;

/** What a rotation did: the key it added, or the published key still waiting to sign that stopped it. */
export type Rotation = { added: StoredKey; retired: string[] } | { waiting: StoredKey } | { full: true };

/** Keys that verify at once, at most: each immediate rotation adds one for a token's lifetime, and the JWKS stays small. */
export const MAX_LIVE_KEYS = 8;

interface KeyRow {
  kid: string;
  algorithm: string;
  public_jwk: Record<string, unknown>;
  private_key: string;
  created_at: Date;
  signs_from: Date;
  retires_at: Date | null;
}

const COLUMNS = 'kid, algorithm, public_jwk, private_key, created_at, signs_from, retires_at';
/** Still verifying: not retired yet. */
const LIVE = '(retires_at IS NULL OR retires_at > now())';

function stored(row: KeyRow): StoredKey {
  return {
    kid: row.kid,
    algorithm: row.algorithm,
    publicJwk: row.public_jwk,
    sealedPrivateKey: row.private_key,
    createdAt: new Date(row.created_at),
    signsFrom: new Date(row.signs_from),
    retiresAt: row.retires_at === null ? null : new Date(row.retires_at),
  };
}

/**
 * Every statement on `signing_keys`. Changes take the table's lock first: two instances starting
 * on an empty table make one key, two rotations at once add one.
 */
@Injectable()
export class SigningKeysRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** The keys still verifying, the oldest signer first. */
  async live(): Promise<StoredKey[]> {
    const rows = await queryRows<KeyRow>(this.manager, `SELECT ${COLUMNS} FROM signing_keys WHERE ${LIVE} ORDER BY signs_from, kid`, []);
    return rows.map(stored);
  }

  /** Adds `key`, signing at once, unless a live key is there (another instance made it first). */
  addFirst(key: NewKey): Promise<void> {
    return this.transaction(async (keys) => {
      await keys.lock();
      if ((await keys.liveCount()) === 0) await keys.insert(key, 0);
    });
  }

  /**
   * Publishes `key` to sign in `leadSeconds`, and retires every older live key `retireSeconds`
   * after that: the longest token they can still sign has expired by then. Refused while a
   * published key waits to sign (a rotation under way), and with MAX_LIVE_KEYS live.
   */
  rotate(key: NewKey, leadSeconds: number, retireSeconds: number, audit: (added: StoredKey, retired: string[]) => AuditRecord): Promise<Rotation> {
    return this.transaction(async (keys) => {
      await keys.lock();
      const [waiting] = await queryRows<KeyRow>(keys.manager, `SELECT ${COLUMNS} FROM signing_keys WHERE ${LIVE} AND signs_from > now()`, []);
      if (waiting) return { waiting: stored(waiting) };
      if ((await keys.liveCount()) >= MAX_LIVE_KEYS) return { full: true };
      const added = await keys.insert(key, leadSeconds);
      const retired = await queryRows<{ kid: string }>(
        keys.manager,
        `UPDATE signing_keys SET retires_at = $2::timestamptz + $3 * interval '1 second'
         WHERE kid <> $1 AND retires_at IS NULL RETURNING kid`,
        [added.kid, added.signsFrom, retireSeconds],
      );
      const kids = retired.map((row) => row.kid);
      await insertEvent(keys.manager, audit(added, kids));
      return { added, retired: kids };
    });
  }

  /**
   * Deletes a key that does not sign now: a published one whose rotation is called off (the key
   * signing now then keeps signing), or an earlier one, whose tokens are refused from now on.
   */
  remove(kid: string, audit: AuditRecord): Promise<'removed' | 'signing' | 'unknown'> {
    return this.transaction(async (keys) => {
      await keys.lock();
      const [key] = await queryRows<{ kid: string; waiting: boolean }>(keys.manager, `SELECT kid, signs_from > now() AS waiting FROM signing_keys WHERE kid = $1 AND ${LIVE}`, [kid]);
      if (!key) return 'unknown';
      const [signer] = await queryRows<{ kid: string }>(keys.manager, `SELECT kid FROM signing_keys WHERE ${LIVE} AND signs_from <= now() ORDER BY signs_from DESC, kid DESC LIMIT 1`, []);
      if (signer?.kid === kid) return 'signing';
      await queryRows(keys.manager, 'DELETE FROM signing_keys WHERE kid = $1', [kid]);
      // The rotation called off: the signing key no longer retires.
      if (key.waiting && signer) await queryRows(keys.manager, 'UPDATE signing_keys SET retires_at = NULL WHERE kid = $1', [signer.kid]);
      await insertEvent(keys.manager, audit);
      return 'removed';
    });
  }

  private async liveCount(): Promise<number> {
    const [{ count }] = await queryRows<{ count: number }>(this.manager, `SELECT count(*)::int AS count FROM signing_keys WHERE ${LIVE}`, []);
    return count;
  }

  private async lock(): Promise<void> {
    await queryRows(this.manager, 'LOCK TABLE signing_keys IN EXCLUSIVE MODE', []);
  }

  private async insert(key: NewKey, leadSeconds: number): Promise<StoredKey> {
    const [row] = await queryRows<KeyRow>(
      this.manager,
      `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key, signs_from)
       VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second') RETURNING ${COLUMNS}`,
      [key.kid, key.algorithm, JSON.stringify(key.publicJwk), key.sealedPrivateKey, leadSeconds],
    );
    return stored(row);
  }
}
