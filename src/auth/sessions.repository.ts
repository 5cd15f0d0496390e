import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../database/bound-repository';
import { queryRows } from '../database/query-rows';

/** A session in good standing: open, unexpired, its user live and active. */
export interface LiveSession {
  sessionId: string;
  userId: number;
}

/**
 * Every statement on the `sessions` and `refresh_tokens` tables, named for what it means;
 * SessionsService holds the rules. Refresh tokens are only ever handled as their SHA-256.
 */
@Injectable()
export class SessionsRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** A session and its first refresh token, in one round trip. */
  async open(sessionId: string, userId: number, lifetimeSeconds: number, refreshHash: string): Promise<void> {
    await this.manager.query(
      `WITH session AS (
         INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')
         RETURNING id
       )
       INSERT INTO refresh_tokens (token_hash, session_id) SELECT $4, id FROM session`,
      [sessionId, userId, lifetimeSeconds, refreshHash],
    );
  }

  /**
   * Marks an unused refresh token used, in the statement that finds it, so that of two
   * concurrent exchanges one wins. Answers its session, or undefined.
   */
  async claimRefreshToken(refreshHash: string): Promise<string | undefined> {
    const [claimed] = await queryRows<{ session_id: string }>(
      this.manager,
      `UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL
       RETURNING session_id`,
      [refreshHash],
    );
    return claimed?.session_id;
  }

  /** Ends the session a refresh token was ever issued for; false when no session has it. */
  async revokeByAnyRefreshToken(refreshHash: string): Promise<boolean> {
    const [known] = await queryRows(
      this.manager,
      `UPDATE sessions SET revoked_at = coalesce(revoked_at, now())
       WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) RETURNING id`,
      [refreshHash],
    );
    return Boolean(known);
  }

  /** Moves a live session's end forward, if it and its user are still in good standing. */
  async extend(sessionId: string, lifetimeSeconds: number): Promise<LiveSession | undefined> {
    const [row] = await queryRows<{ session_id: string; user_id: number }>(
      this.manager,
      `UPDATE sessions s SET expires_at = now() + $2 * interval '1 second'
       FROM users u
       WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND u.id = s.user_id AND u.deleted_at IS NULL AND u.is_active
       RETURNING s.id AS session_id, s.user_id`,
      [sessionId, lifetimeSeconds],
    );
    return row ? { sessionId: row.session_id, userId: row.user_id } : undefined;
  }

  async addRefreshToken(refreshHash: string, sessionId: string): Promise<void> {
    await this.manager.query(`INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [
      refreshHash,
      sessionId,
    ]);
  }

  /** Ends an open session of the user; false when there was none. */
  async revoke(sessionId: string, userId: number): Promise<boolean> {
    const [ended] = await queryRows(
      this.manager,
      `UPDATE sessions SET revoked_at = now()
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [sessionId, userId],
    );
    return Boolean(ended);
  }

  /** Ends the open session of an unused refresh token; false when there was none. */
  async revokeByRefreshToken(refreshHash: string): Promise<boolean> {
    const [ended] = await queryRows(
      this.manager,
      `UPDATE sessions SET revoked_at = now()
       WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL)
         AND revoked_at IS NULL RETURNING id`,
      [refreshHash],
    );
    return Boolean(ended);
  }

  /**
   * Ends a user's sessions (all, or all but one): their access tokens stop working at once and
   * their refresh tokens are refused.
   */
  async revokeAllOf(userId: number, exceptSessionId?: string): Promise<void> {
    await this.manager.query(
      `UPDATE sessions SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [userId, exceptSessionId ?? null],
    );
  }
}
