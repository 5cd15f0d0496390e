import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditRecord } from '../../audit/audit-record';
import { auditInsert, insertEvent } from '../../audit/audit.repository';
import { BoundRepository } from '../../database/bound-repository';
import { queryRows } from '../../database/query-rows';

/** What a ceremony's challenge is for. */
export type ChallengePurpose = 'register' | 'login' | 'second_factor';

/** A registered passkey, as its owner's list shows it. */
export interface PasskeyRow {
  id: string;
  name: string;
  backed_up: boolean;
  created_at: Date;
  last_used_at: Date | null;
}

/** A passkey as an assertion is checked against it, with its owner's standing. */
export interface StoredPasskey {
  id: string;
  userId: number;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  owner: { email: string; username: string; isActive: boolean; emailVerified: boolean };
}

/** A new passkey's columns. */
export interface NewPasskey {
  id: string;
  userId: number;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  backedUp: boolean;
}

const LISTED = 'id, name, backed_up, created_at, last_used_at';

/** Every statement on `passkeys` and `webauthn_challenges`; the services hold the rules. */
@Injectable()
export class PasskeysRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** A challenge handed out for `purpose`, for `lifetimeSeconds`. */
  async saveChallenge(challenge: string, purpose: ChallengePurpose, userId: number | null, lifetimeSeconds: number): Promise<void> {
    await queryRows(
      this.manager,
      `INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 second')`,
      [challenge, purpose, userId, lifetimeSeconds],
    );
  }

  /**
   * Spends a challenge handed out for `purpose` (and for `userId`, or for no account), in the
   * statement that finds it: of two answers signing one challenge, one gets it. False when there
   * is none such, it expired, or it was spent.
   */
  async spendChallenge(challenge: string, purpose: ChallengePurpose, userId: number | null): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `DELETE FROM webauthn_challenges
        WHERE challenge = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3 AND expires_at > now()
       RETURNING 1`,
      [challenge, purpose, userId],
    );
    return rows.length > 0;
  }

  async list(userId: number): Promise<PasskeyRow[]> {
    return queryRows<PasskeyRow>(this.manager, `SELECT ${LISTED} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  }

  /** The ids and transports of the account's passkeys: what a browser may offer, or must not register again. */
  async credentialsOf(userId: number): Promise<{ id: string; transports: string[] }[]> {
    const rows = await queryRows<{ credential_id: string; transports: string | null }>(
      this.manager,
      `SELECT credential_id, transports FROM passkeys WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    return rows.map((row) => ({ id: row.credential_id, transports: row.transports ? row.transports.split(',') : [] }));
  }

  /** The passkey of a credential id, with its owner when the account is live; undefined otherwise. */
  async findByCredential(credentialId: string): Promise<StoredPasskey | undefined> {
    const [row] = await queryRows<{
      id: string;
      user_id: number;
      credential_id: string;
      public_key: string;
      counter: string;
      transports: string | null;
      email: string;
      username: string;
      is_active: boolean;
      email_verified: boolean;
    }>(
      this.manager,
      `SELECT p.id, p.user_id, p.credential_id, p.public_key, p.counter, p.transports, u.email, u.username, u.is_active, u.email_verified
         FROM passkeys p JOIN users u ON u.id = p.user_id AND u.deleted_at IS NULL
        WHERE p.credential_id = $1`,
      [credentialId],
    );
    return (
      row && {
        id: row.id,
        userId: row.user_id,
        credentialId: row.credential_id,
        publicKey: row.public_key,
        counter: Number(row.counter),
        transports: row.transports ? row.transports.split(',') : [],
        owner: { email: row.email, username: row.username, isActive: row.is_active, emailVerified: row.email_verified },
      }
    );
  }

  /** A new passkey; a credential already registered throws (its unique index). */
  async insert(passkey: NewPasskey): Promise<PasskeyRow> {
    const [row] = await queryRows<PasskeyRow>(
      this.manager,
      `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, name, backed_up)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${LISTED}`,
      [
        passkey.id,
        passkey.userId,
        passkey.credentialId,
        passkey.publicKey,
        passkey.counter,
        passkey.transports.length > 0 ? passkey.transports.join(',') : null,
        passkey.name,
        passkey.backedUp,
      ],
    );
    return row;
  }

  /**
   * Records a use: the counter the assertion carried and the time, only if the counter moved
   * forward (or the authenticator keeps none), in the statement that checks it; false otherwise.
   */
  async markUsed(id: string, counter: number): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `UPDATE passkeys SET counter = $2, last_used_at = now() WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0)) RETURNING 1`,
      [id, counter],
    );
    return rows.length > 0;
  }

  async rename(userId: number, id: string, name: string): Promise<PasskeyRow | undefined> {
    const [row] = await queryRows<PasskeyRow>(
      this.manager,
      `UPDATE passkeys SET name = $3 WHERE id = $2 AND user_id = $1 RETURNING ${LISTED}`,
      [userId, id, name],
    );
    return row;
  }

  /** Deletes one of the account's passkeys, with `audit`; false when it has none such. */
  async delete(userId: number, id: string, audit?: AuditRecord): Promise<boolean> {
    const params: unknown[] = [userId, id];
    const deleted = `DELETE FROM passkeys WHERE id = $2 AND user_id = $1 RETURNING id`;
    const sql = audit ? `WITH gone AS (${deleted}), audited AS (${auditInsert([audit], params, { rows: 'gone' })}) SELECT id FROM gone` : deleted;
    return (await queryRows(this.manager, sql, params)).length > 0;
  }

  /** Every passkey of the account, gone. */
  async deleteAllOf(userId: number): Promise<void> {
    await queryRows(this.manager, `DELETE FROM passkeys WHERE user_id = $1`, [userId]);
  }

  /** An event, on this repository's connection: inside its transaction when bound to one. */
  record(event: AuditRecord): Promise<void> {
    return insertEvent(this.manager, event);
  }
}
