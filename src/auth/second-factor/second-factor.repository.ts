import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../../database/bound-repository';
import { queryRows } from '../../database/query-rows';
import type { AuditRecord } from '../../audit/audit-record';
import { auditInsert, insertEvent } from '../../audit/audit.repository';

/** An account's authenticator app, as stored. */
export interface StoredTotp {
  secret: string;
  /** The step of the last code taken (bigint, read as a number: steps are about 6e7). */
  lastUsedStep: number | null;
  confirmed: boolean;
}

/** A login waiting for its second factor, with the names its failures count on. */
export interface PendingLogin {
  userId: number;
  email: string;
  username: string;
  emailVerified: boolean;
  /** The provider whose login it follows; null after a password. */
  provider: string | null;
  /** Whether it may still be answered (unexpired, fewer than the wrong codes allowed). */
  usable: boolean;
}

/**
 * Every statement on `totp_factors`, `recovery_codes` and `mfa_challenges`; the services hold
 * the rules. Tokens and codes are only ever handled as hashes.
 */
@Injectable()
export class SecondFactorRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * Keeps a new, unconfirmed secret for the account, in place of an unconfirmed one; false when
   * the account's factor is already confirmed (nothing written).
   */
  async savePendingTotp(userId: number, sealed: string): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `INSERT INTO totp_factors (user_id, secret) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, last_used_step = NULL, created_at = now()
        WHERE totp_factors.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, sealed],
    );
    return rows.length > 0;
  }

  async totpOf(userId: number): Promise<StoredTotp | undefined> {
    const [row] = await queryRows<{ secret: string; last_used_step: string | null; confirmed: boolean }>(
      this.manager,
      `SELECT secret, last_used_step, confirmed_at IS NOT NULL AS confirmed FROM totp_factors WHERE user_id = $1`,
      [userId],
    );
    return row && { secret: row.secret, lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step), confirmed: row.confirmed };
  }

  /** Confirms the pending factor whose secret is `sealed`, at the step its first code took; false when it is no longer that one. */
  async confirmTotp(userId: number, sealed: string, step: number): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `UPDATE totp_factors SET confirmed_at = now(), last_used_step = $3
        WHERE user_id = $1 AND secret = $2 AND confirmed_at IS NULL RETURNING user_id`,
      [userId, sealed, step],
    );
    return rows.length > 0;
  }

  /**
   * Takes a code's step for the confirmed factor, in the statement that checks no later or equal
   * step was taken: of two requests with one code, one wins. False when it lost.
   */
  async claimStep(userId: number, step: number): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `UPDATE totp_factors SET last_used_step = $2
        WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)
       RETURNING user_id`,
      [userId, step],
    );
    return rows.length > 0;
  }

  /** Removes the account's factor, confirmed or not. */
  async deleteTotp(userId: number): Promise<void> {
    await queryRows(this.manager, `DELETE FROM totp_factors WHERE user_id = $1`, [userId]);
  }

  /** The account's recovery codes become these (hashes) alone, with `audit` when given. */
  async replaceRecoveryCodes(userId: number, hashes: string[], audit?: AuditRecord): Promise<void> {
    const params: unknown[] = [userId, hashes];
    const audited = audit ? `, audited AS (${auditInsert([audit], params)})` : '';
    await queryRows(
      this.manager,
      `WITH dropped AS (DELETE FROM recovery_codes WHERE user_id = $1)${audited}
       INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::varchar[])`,
      params,
    );
  }

  /** An event, on this repository's connection: inside its transaction when bound to one. */
  record(event: AuditRecord): Promise<void> {
    return insertEvent(this.manager, event);
  }

  /** Spends an unused recovery code of the account; false when it has none such. */
  async spendRecoveryCode(userId: number, hash: string): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, hash],
    );
    return rows.length > 0;
  }

  /** How many unused recovery codes the account has left. */
  async recoveryCodesLeft(userId: number): Promise<number> {
    const [row] = await queryRows<{ left: number }>(
      this.manager,
      `SELECT count(*)::integer AS left FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return row.left;
  }

  async deleteRecoveryCodes(userId: number): Promise<void> {
    await queryRows(this.manager, `DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
  }

  /** A login waiting for its second factor, under its token's hash, for `lifetimeSeconds`. */
  async openChallenge(tokenHash: string, userId: number, provider: string | null, lifetimeSeconds: number): Promise<void> {
    await queryRows(
      this.manager,
      `INSERT INTO mfa_challenges (token_hash, user_id, provider, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 second')`,
      [tokenHash, userId, provider, lifetimeSeconds],
    );
  }

  /**
   * The login of a token, its account live and active; with `lock`, its row locked until the
   * transaction ends, so that concurrent answers to it are taken one at a time.
   */
  async pendingLogin(tokenHash: string, maxFailures: number, lock = false): Promise<PendingLogin | undefined> {
    const [row] = await queryRows<{ user_id: number; email: string; username: string; email_verified: boolean; provider: string | null; usable: boolean }>(
      this.manager,
      `SELECT c.user_id, u.email, u.username, u.email_verified, c.provider, (c.expires_at > now() AND c.failures < $2) AS usable
         FROM mfa_challenges c JOIN users u ON u.id = c.user_id AND u.deleted_at IS NULL AND u.is_active
        WHERE c.token_hash = $1${lock ? ' FOR UPDATE OF c' : ''}`,
      [tokenHash, maxFailures],
    );
    return (
      row && {
        userId: row.user_id,
        email: row.email,
        username: row.username,
        emailVerified: row.email_verified,
        provider: row.provider,
        usable: row.usable,
      }
    );
  }

  /** Counts a wrong answer to the login; returns the failures so far. */
  async failChallenge(tokenHash: string): Promise<number> {
    const [row] = await queryRows<{ failures: number }>(
      this.manager,
      `UPDATE mfa_challenges SET failures = failures + 1 WHERE token_hash = $1 RETURNING failures`,
      [tokenHash],
    );
    return row?.failures ?? Number.MAX_SAFE_INTEGER;
  }

  /** Ends a waiting login that may still be answered, in the statement that checks it; false when it may not. */
  async finishChallenge(tokenHash: string, maxFailures: number): Promise<boolean> {
    const rows = await queryRows(
      this.manager,
      `DELETE FROM mfa_challenges WHERE token_hash = $1 AND expires_at > now() AND failures < $2 RETURNING 1`,
      [tokenHash, maxFailures],
    );
    return rows.length > 0;
  }

  /** Ends one waiting login (answered, or spent by its failures). */
  async endChallenge(tokenHash: string): Promise<void> {
    await queryRows(this.manager, `DELETE FROM mfa_challenges WHERE token_hash = $1`, [tokenHash]);
  }

  /** Ends every waiting login of the account (its factors changed). */
  async endChallengesOf(userId: number): Promise<void> {
    await queryRows(this.manager, `DELETE FROM mfa_challenges WHERE user_id = $1`, [userId]);
  }
}
