import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../../database/bound-repository';
import { auditInsert } from '../../audit/audit.repository';
import type { AuditRecord } from '../../audit/audit-record';
import { queryRows } from '../../database/query-rows';
import { callerCondition } from '../../users/caller-condition';
import type { AuthenticationMethod } from '../tokens/access-token-claims';

/** A session in good standing: open, unexpired, its user live and active. */
export interface LiveSession {
  sessionId: string;
  userId: number;
}

/** A session whose end a refresh moved forward, with what its new access token says. */
export interface RefreshedSession extends LiveSession {
  /** When its login was: the token's auth_time. */
  loggedInAt: Date;
  /** How its login was proved: the token's amr. */
  amr: AuthenticationMethod[];
  emailVerified: boolean;
}

/** An open session as its owner sees it in the list of their devices. */
export interface OpenSession {
  id: string;
  created_at: Date;
  last_used_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** The most sessions one list of devices shows. */
export const DEVICES_LISTED = 100;

/** Where a session began. */
export interface SessionOrigin {
  ip: string;
  userAgent: string | null;
}

/** The caller's session (SQL `session`) of the user (`user`) is open, its account live and active. */
const openCaller = (user: string, session: string) => `EXISTS (SELECT 1 FROM users u WHERE ${callerCondition('u', user, session)})`;

/**
 * Every statement on the `sessions` and `refresh_tokens` tables, named for what it means;
 * SessionsService holds the rules. Refresh tokens are only ever handled as their SHA-256.
 */
@Injectable()
export class SessionsRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** A session, proved by `amr`, and its first refresh token, in one round trip. */
  async open(
    sessionId: string,
    userId: number,
    lifetimeSeconds: number,
    refreshHash: string,
    origin: SessionOrigin,
    audit?: AuditRecord,
    amr: AuthenticationMethod[] = ['pwd'],
  ): Promise<void> {
    const params: unknown[] = [sessionId, userId, lifetimeSeconds, refreshHash, origin.ip, origin.userAgent, amr.join(',')];
    // The login's event in the same statement: written with the session, or not at all.
    const audited = audit ? `, audited AS (${auditInsert([audit], params)})` : '';
    await this.manager.query(
      `WITH session AS (
         INSERT INTO sessions (id, user_id, expires_at, ip, user_agent, amr)
         VALUES ($1, $2, now() + $3 * interval '1 second', $5, $6, $7)
         RETURNING id
       )${audited}
       INSERT INTO refresh_tokens (token_hash, session_id) SELECT $4, id FROM session`,
      params,
    );
  }

  /**
   * The user's open sessions, `currentSessionId`'s first, then the one last used first, at most
   * DEVICES_LISTED: logins can open many, and one answer stays small. None when the account is
   * not live and active.
   */
  listOpen(userId: number, currentSessionId?: string): Promise<OpenSession[]> {
    return queryRows<OpenSession>(
      this.manager,
      `SELECT s.id, s.created_at, s.last_used_at, s.ip, s.user_agent
         FROM sessions s JOIN users u ON u.id = s.user_id AND u.deleted_at IS NULL AND u.is_active
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
        ORDER BY s.id = $2::uuid DESC NULLS LAST, s.last_used_at DESC, s.created_at DESC
        LIMIT ${DEVICES_LISTED}`,
      [userId, currentSessionId ?? null],
    );
  }

  /** Moves each session's last use forward to the time given (never back). */
  async markUsed(sessionIds: string[], usedAt: Date[]): Promise<void> {
    await queryRows(
      this.manager,
      `UPDATE sessions s SET last_used_at = v.used_at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, used_at)
        WHERE s.id = v.id AND s.last_used_at < v.used_at`,
      [sessionIds, usedAt],
    );
  }

  /**
   * Marks an unused refresh token used, in the statement that finds it, so that of two
   * concurrent exchanges one wins. Returns its session, or undefined.
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

  /**
   * The session of a refresh token exchanged within the last `seconds`: presented again so soon,
   * it is a second tab refreshing at once, not a replay. Undefined otherwise.
   */
  async exchangedWithin(refreshHash: string, seconds: number): Promise<string | undefined> {
    const [row] = await queryRows<{ session_id: string }>(
      this.manager,
      // The clock's time, not the transaction's start: a concurrent exchange may have begun after this one.
      `SELECT session_id FROM refresh_tokens WHERE token_hash = $1 AND used_at > clock_timestamp() - $2 * interval '1 second'`,
      [refreshHash, seconds],
    );
    return row?.session_id;
  }

  /**
   * Ends the session a refresh token was ever issued for, with `audit` about its user (its
   * `session_id` added); undefined when no session has it.
   */
  async revokeByAnyRefreshToken(refreshHash: string, audit?: AuditRecord): Promise<LiveSession | undefined> {
    const params: unknown[] = [refreshHash];
    const [known] = await this.endSessions(
      `UPDATE sessions SET revoked_at = coalesce(revoked_at, now())
       WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) RETURNING id, user_id`,
      params,
      audit && auditInsert([audit], params, { rows: 'ended', userId: 'ended.user_id', details: SESSION_ID }),
    );
    return known && { sessionId: known.id, userId: known.user_id };
  }

  /** Moves a live session's end forward, if it and its user are still in good standing. */
  async extend(sessionId: string, lifetimeSeconds: number): Promise<RefreshedSession | undefined> {
    const [row] = await queryRows<{ session_id: string; user_id: number; created_at: Date; amr: string; email_verified: boolean }>(
      this.manager,
      `UPDATE sessions s SET expires_at = now() + $2 * interval '1 second'
       FROM users u
       WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND u.id = s.user_id AND u.deleted_at IS NULL AND u.is_active
       RETURNING s.id AS session_id, s.user_id, s.created_at, s.amr, u.email_verified`,
      [sessionId, lifetimeSeconds],
    );
    return (
      row && {
        sessionId: row.session_id,
        userId: row.user_id,
        loggedInAt: new Date(row.created_at),
        amr: row.amr.split(',') as AuthenticationMethod[],
        emailVerified: row.email_verified,
      }
    );
  }

  async addRefreshToken(refreshHash: string, sessionId: string): Promise<void> {
    await this.manager.query(`INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [
      refreshHash,
      sessionId,
    ]);
  }

  /** Ends an open session of the user, with `audit`; false when there was none. */
  async revoke(sessionId: string, userId: number, audit?: AuditRecord): Promise<boolean> {
    const params: unknown[] = [sessionId, userId];
    const [ended] = await this.endSessions(
      `UPDATE sessions SET revoked_at = now()
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id, user_id`,
      params,
      audit && auditInsert([audit], params, { rows: 'ended', userId: 'ended.user_id' }),
    );
    return Boolean(ended);
  }

  /**
   * Ends a session of the user that is still listed (open and unexpired), with `audit`; false
   * when there is none. With `callerSessionId`, only while that session of the user is open and
   * the account live and active: the owner's request checks its own token in the same statement.
   */
  async endListed(
    sessionId: string,
    userId: number,
    { callerSessionId, audit }: { callerSessionId?: string; audit?: AuditRecord } = {},
  ): Promise<boolean> {
    const params: unknown[] = [sessionId, userId, callerSessionId ?? null];
    const [ended] = await this.endSessions(
      `UPDATE sessions SET revoked_at = now()
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
         AND ($3::uuid IS NULL OR ${openCaller('$2', '$3::uuid')})
       RETURNING id, user_id`,
      params,
      audit && auditInsert([audit], params, { rows: 'ended', userId: 'ended.user_id' }),
    );
    return Boolean(ended);
  }

  /**
   * Ends every listed session of the user but the caller's, while the caller's is open and the
   * account live and active, with `audit`; returns whether it was (else nothing ended, nothing recorded).
   */
  async endOthers(userId: number, callerSessionId: string, audit?: AuditRecord): Promise<boolean> {
    const params: unknown[] = [userId, callerSessionId];
    const audited = audit ? `, audited AS (${auditInsert([audit], params, { rows: 'caller WHERE caller.open' })})` : '';
    const [{ open }] = await queryRows<{ open: boolean }>(
      this.manager,
      `WITH caller AS (SELECT ${openCaller('$1', '$2')} AS open),
       ended AS (
         UPDATE sessions SET revoked_at = now()
          WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL AND (SELECT open FROM caller)
       )${audited}
       SELECT open FROM caller`,
      params,
    );
    return open;
  }

  /**
   * Ends the open session of an unused refresh token, with `audit` by and about its user (its
   * `session_id` added); undefined when there was none.
   */
  async revokeByRefreshToken(refreshHash: string, audit?: AuditRecord): Promise<LiveSession | undefined> {
    const params: unknown[] = [refreshHash];
    const [ended] = await this.endSessions(
      `UPDATE sessions SET revoked_at = now()
       WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL)
         AND revoked_at IS NULL RETURNING id, user_id`,
      params,
      audit && auditInsert([audit], params, { rows: 'ended', userId: 'ended.user_id', actorId: 'ended.user_id', details: SESSION_ID }),
    );
    return ended && { sessionId: ended.id, userId: ended.user_id };
  }

  /**
   * Ends a user's sessions (all, or all but one): their access tokens stop working at once and
   * their refresh tokens are refused. With `audit`, written whether any was open.
   */
  async revokeAllOf(userId: number, { exceptSessionId, audit }: { exceptSessionId?: string; audit?: AuditRecord } = {}): Promise<void> {
    const params: unknown[] = [userId, exceptSessionId ?? null];
    const revoke = `UPDATE sessions SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`;
    await queryRows(this.manager, audit ? `WITH ended AS (${revoke}) ${auditInsert([audit], params)}` : revoke, params);
  }

  /** An UPDATE of sessions RETURNING id, user_id, with its event's INSERT when given, for the rows it returns. */
  private endSessions(update: string, params: unknown[], audited: string | undefined): Promise<{ id: string; user_id: number }[]> {
    const sql = audited ? `WITH ended AS (${update}), audited AS (${audited}) SELECT id, user_id FROM ended` : update;
    return queryRows(this.manager, sql, params);
  }
}

/** The ended session's id, as an event's detail. */
const SESSION_ID = `jsonb_build_object('session_id', ended.id)`;
