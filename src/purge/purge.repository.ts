import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { BoundRepository } from '../database/bound-repository';
import type { AppDataSourceOptions } from '../database/data-source-options';
import { queryRows } from '../database/query-rows';

/** Rows deleted, by table. */
export type PurgeCounts = Record<string, number>;

export type PurgeSettings = AppConfig['purge'];

/** One table the purge empties of what nothing reads any more. */
export interface PurgeTarget {
  /** The table whose count in a batch's answer tells whether another batch is needed. */
  table: string;
  /** One batch: deletes at most $1 rows of `table` and returns one row of counts by table. */
  batch: string;
  /** The parameters after $1, from the settings (a retention, say). */
  parameters?: (settings: PurgeSettings) => unknown[];
}

/**
 * The usual batch: at most $1 rows of `table` for which `dead` holds. By ctid, found and deleted
 * in one statement (a TID scan, no second index lookup): a row changed since the scan saw it has
 * a new ctid and is left alone, for the next run to judge again.
 */
function deleteWhere(table: string, dead: string): string {
  return `WITH gone AS (
            DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${dead} LIMIT $1))
            RETURNING 1
          )
          SELECT count(*)::int AS "${table}" FROM gone`;
}

/**
 * What the purge deletes, in order; one more table is one more entry. None of these scans has an
 * index of its own: on a table of live rows with a few dead ones spread through it, a sequential
 * scan finds a batch's rows sooner than an index on the end time, whose rows are scattered over
 * the heap (bench/README.md, "Purge").
 */
export const PURGE_TARGETS: readonly PurgeTarget[] = [
  {
    // A session ends when it expires unused (extend() wants `expires_at > now()`) or is revoked;
    // its access tokens are refused once it is gone, and none outlives it (JWT_EXPIRES_IN is at
    // most REFRESH_EXPIRES_IN). Its refresh tokens, used ones included, go in the same statement:
    // a used token is how a replay is caught (it revokes its session), so it lives as long as its
    // session. Deleting them by themselves first would rescan the same ended sessions every batch;
    // the foreign key's ON DELETE CASCADE would do it too, but would not count them.
    table: 'sessions',
    batch: `WITH ended AS (
              SELECT ctid, id FROM sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL LIMIT $1
            ),
            tokens AS (
              DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM ended) RETURNING 1
            ),
            gone AS (
              DELETE FROM sessions WHERE ctid = ANY(ARRAY(SELECT ctid FROM ended)) RETURNING 1
            )
            SELECT (SELECT count(*)::int FROM gone) AS sessions, (SELECT count(*)::int FROM tokens) AS refresh_tokens`,
  },
  // A login that waited for its second factor past its 5 minutes: pendingLogin() finds it unusable.
  // (Answered or spent by failures, it is deleted at once.)
  { table: 'mfa_challenges', batch: deleteWhere('mfa_challenges', 'expires_at <= now()') },
  // A passkey ceremony's challenge nobody answered within its 2 minutes (an answer deletes it).
  { table: 'webauthn_challenges', batch: deleteWhere('webauthn_challenges', 'expires_at <= now()') },
  // A redirect to a provider that never came back within 10 minutes, and a return's one-time
  // code the frontend never exchanged within its minute (a return or an exchange deletes its own).
  { table: 'oauth_flows', batch: deleteWhere('oauth_flows', 'expires_at <= now()') },
  { table: 'oauth_codes', batch: deleteWhere('oauth_codes', 'expires_at <= now()') },
  // A retired key verifies nothing: its sealed private part goes too.
  { table: 'signing_keys', batch: deleteWhere('signing_keys', 'retires_at <= now()') },
  // Spent, voided (a newer link of the same kind) or expired: findUsable() and spend() refuse it.
  { table: 'email_tokens', batch: deleteWhere('email_tokens', 'used_at IS NOT NULL OR expires_at <= now()') },
  {
    // Delivered or given up (their bodies are already erased), kept MAIL_RETENTION_DAYS for an
    // operator and for the per-recipient limit; mail still to deliver is never touched.
    table: 'mail_outbox',
    batch: deleteWhere('mail_outbox', `coalesce(sent_at, failed_at) < now() - $2 * interval '1 day'`),
    parameters: (settings) => [settings.mailRetentionDays],
  },
  {
    // A picture no live account shows, an hour after its last upload. An upload stores its
    // picture and points the account at it in one transaction, and an upload of a picture already
    // stored moves its used_at (a new ctid, which this batch then leaves alone).
    table: 'avatars',
    batch: deleteWhere(
      'avatars',
      `used_at < now() - interval '1 hour' AND NOT EXISTS (
         SELECT 1 FROM users u
          WHERE u.image_path LIKE '/avatars/%' AND u.image_path = '/avatars/' || avatars.hash || '.webp'
            AND u.deleted_at IS NULL)`,
    ),
  },
  {
    // The audit trail past its retention: the only way an event ever leaves the table.
    table: 'audit_events',
    batch: deleteWhere('audit_events', `at < now() - $2 * interval '1 day'`),
    parameters: (settings) => [settings.auditRetentionDays],
  },
];

/** Any constant shared by every instance, other than the migrations' (AppDataSource). */
export const PURGE_LOCK = 7_401_302;

/** The embedded databases that a purge of this process is running on. */
const purgingEmbedded = new WeakSet<object>();

/** Every statement of the purge: the targets' batches and the lock that lets one instance run them. */
@Injectable()
export class PurgeRepository extends BoundRepository {
  readonly targets = PURGE_TARGETS;

  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** One batch of `target`: the rows it deleted, by table. */
  async deleteBatch(target: PurgeTarget, limit: number, settings: PurgeSettings): Promise<PurgeCounts> {
    const [counts] = await queryRows<PurgeCounts>(this.manager, target.batch, [
      limit,
      ...(target.parameters?.(settings) ?? []),
    ]);
    return counts;
  }

  /**
   * Runs `work` while this instance holds the purge lock, with the repository it is to use;
   * returns undefined at once, without running it, when another instance holds the lock.
   *
   * On PostgreSQL the lock is a session-level advisory lock on a connection of its own, held for
   * the whole run, and every batch runs on that connection, each a statement and so a transaction
   * of its own: its row locks last one batch, and there is no purge without the lock (a dropped
   * connection takes both). A transaction-level lock would last one batch only, letting two
   * instances take turns through one run, and one transaction around the whole run would hold
   * every deleted row's lock, and a snapshot that keeps VACUUM from them, until its end. The lock
   * is released before the connection goes back to the pool, where it would otherwise stay.
   *
   * On embedded PGlite there is one connection, which every request shares: holding it for a run
   * would keep them all waiting, and a query on the pool meanwhile would wait forever. The
   * batches take turns with requests on the pool instead, and no advisory lock is taken: its
   * one session is everyone's, so the lock would shut no one out (as the migrations, which take
   * none either), and no other process can open its files. A set of this process's runs stands in.
   */
  async whileLocked<T>(work: (repository: this) => Promise<T>): Promise<T | undefined> {
    const embedded = (this.dataSource.options as AppDataSourceOptions).pglite;
    if (embedded) {
      if (purgingEmbedded.has(embedded)) return undefined;
      purgingEmbedded.add(embedded);
      try {
        return await work(this);
      } finally {
        purgingEmbedded.delete(embedded);
      }
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PURGE_LOCK]);
      if (!locked) return undefined;
      try {
        return await work(this.on(runner.manager));
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
