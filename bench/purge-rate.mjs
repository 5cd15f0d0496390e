// Rows a second the purge deletes, and its longest batch (src/purge; bench/README.md, "Purge").
//
//   npm run build && node bench/purge-rate.mjs [ended=200000] [live=50000] [pglite]
//
// On a throwaway database of BENCH_DATABASE_URL's server (default
// postgres://postgres@127.0.0.1:5432/postgres), migrated by the built service's code, or on an
// in-memory PGlite with `pglite`: `ended` ended sessions (half expired, half revoked) and `live`
// live ones, spread through the table, each with three refresh tokens (two used), and a tenth as
// many spent and live email tokens and old and recent mails. Then one PurgeJob.purgeOnce() from
// dist/, as the service's timer runs it (PURGE_BATCH_SIZE from the environment, default 1000),
// with each batch timed. Meanwhile a probe does what a refresh does to a live session (an UPDATE
// of it and an INSERT of a token, in a transaction) back to back: its latency shows what the purge
// costs the requests. Prints one JSON line.
import { createRequire } from 'node:module';
import 'reflect-metadata';
import { percentile, round, withDatabase } from './support.mjs';

const require = createRequire(import.meta.url);
const { AppConfig } = require('../dist/config/app-config.js');
const { AppDataSource } = require('../dist/database/app-data-source.js');
const { dataSourceOptions } = require('../dist/database/data-source-options.js');
const { PurgeJob } = require('../dist/purge/purge.job.js');
const { PurgeRepository } = require('../dist/purge/purge.repository.js');

const ended = Number(process.argv[2] ?? 200_000);
const live = Number(process.argv[3] ?? 50_000);
const onPglite = process.argv[4] === 'pglite';
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const batchSize = process.env.PURGE_BATCH_SIZE ?? '1000';

async function seed(dataSource) {
  await dataSource.query(
    `INSERT INTO users (email, username, name, password_hash)
     SELECT 'purge-' || g || '@example.com', 'purge_' || g, 'Purge ' || g, 'x' FROM generate_series(1, 1000) g`,
  );
  // Ended and live sessions interleaved evenly, as years of logins leave them; every other ended
  // one expired unused, the others were revoked (a logout) before their end.
  await dataSource.query(
    `INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at)
     SELECT gen_random_uuid(), 1 + g % 1000, now() - interval '30 days',
            CASE WHEN dead AND g % 2 = 0 THEN now() - interval '1 day' ELSE now() + interval '7 days' END,
            CASE WHEN dead AND g % 2 = 1 THEN now() - interval '1 day' END
       FROM (SELECT g, g * $1::bigint / ($1::bigint + $2::bigint) > (g - 1) * $1::bigint / ($1::bigint + $2::bigint) AS dead
               FROM generate_series(1, $1::bigint + $2::bigint) g) s`,
    [ended, live],
  );
  await dataSource.query(
    `INSERT INTO refresh_tokens (token_hash, session_id, used_at)
     SELECT encode(sha256((s.id::text || k)::bytea), 'hex'), s.id, CASE WHEN k < 2 THEN now() END
       FROM sessions s, generate_series(0, 2) k`,
  );
  const tokens = Math.round((ended + live) / 10);
  await dataSource.query(
    `INSERT INTO email_tokens (token_hash, user_id, kind, email, expires_at, used_at)
     SELECT encode(sha256(('email' || g)::bytea), 'hex'), 1 + g % 1000, 'reset', 'purge@example.com',
            now() + CASE WHEN g % 5 = 0 THEN interval '1 hour' ELSE interval '-1 hour' END,
            CASE WHEN g % 5 = 1 THEN now() END
       FROM generate_series(1, $1) g`,
    [tokens],
  );
  await dataSource.query(
    `INSERT INTO mail_outbox (kind, recipient, subject, attempts, created_at, sent_at)
     SELECT 'verify-email', 'purge-' || g || '@example.com', 'Confirm', 1, t, t
       FROM generate_series(1, $1) g, LATERAL (SELECT now() - (g % 14) * interval '1 day' - interval '1 hour' AS t) a`,
    [tokens],
  );
  if (!onPglite) await dataSource.query('VACUUM ANALYZE');
  const [counts] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL) AS ended,
            (SELECT count(*)::int FROM sessions) AS sessions, (SELECT count(*)::int FROM refresh_tokens) AS refresh_tokens,
            (SELECT count(*)::int FROM email_tokens) AS email_tokens, (SELECT count(*)::int FROM mail_outbox) AS mail_outbox`,
  );
  return counts;
}

/** A refresh's writes to a live session, back to back until stop(); answers the latencies (ms). */
function probe(dataSource, sessionIds) {
  const latencies = [];
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      const id = sessionIds[i++ % sessionIds.length];
      const started = performance.now();
      await dataSource.transaction(async (manager) => {
        await manager.query(`UPDATE sessions SET expires_at = now() + interval '7 days' WHERE id = $1`, [id]);
        await manager.query(`INSERT INTO refresh_tokens (token_hash, session_id) VALUES (md5(random()::text) || md5(random()::text), $1)`, [id]);
      });
      latencies.push(performance.now() - started);
      // PGlite answers without I/O: without a turn of the event loop, no timer would ever fire.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { count: latencies.length, p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1), max: round(Math.max(...latencies), 1) };
  };
}

async function measure(settings) {
  const dataSource = await new AppDataSource(await dataSourceOptions(settings)).initialize();
  try {
    await dataSource.migrate();
    const seedStarted = performance.now();
    const before = await seed(dataSource);
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
    // The probe's tokens come later: the live sessions' own are those made before it.
    const [{ seededAt }] = await dataSource.query(`SELECT clock_timestamp() AS "seededAt"`);
    const liveIds = (await dataSource.query('SELECT id FROM sessions WHERE revoked_at IS NULL AND expires_at > now() LIMIT 1000')).map((row) => row.id);

    const repository = new PurgeRepository(dataSource);
    const batches = [];
    const deleteBatch = PurgeRepository.prototype.deleteBatch;
    // Bound copies (whileLocked) inherit this instance's property: every batch of the run is timed.
    repository.deleteBatch = async function (target, ...rest) {
      const started = performance.now();
      const counts = await deleteBatch.call(this, target, ...rest);
      batches.push({ table: target.table, ms: performance.now() - started, rows: Object.values(counts).reduce((a, b) => a + b, 0) });
      return counts;
    };
    const config = AppConfig.fromEnvironment({ ...(settings.url ? { DATABASE_URL: settings.url } : {}), PURGE_INTERVAL_SECONDS: '0', PURGE_BATCH_SIZE: batchSize });
    const job = new PurgeJob(repository, config);

    const stopIdle = probe(dataSource, liveIds);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = await stopIdle();

    const stopBusy = probe(dataSource, liveIds);
    const started = performance.now();
    const deleted = await job.purgeOnce();
    const seconds = (performance.now() - started) / 1000;
    const busy = await stopBusy();

    const [after] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM sessions) AS sessions,
              (SELECT count(*)::int FROM sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL) AS ended,
              (SELECT count(*)::int FROM refresh_tokens WHERE created_at < $1) AS refresh_tokens`,
      [seededAt],
    );
    const rows = Object.values(deleted).reduce((a, b) => a + b, 0);
    const batchSeconds = batches.reduce((sum, batch) => sum + batch.ms, 0) / 1000;
    const longest = batches.reduce((a, b) => (b.ms > a.ms ? b : a));
    const byTable = (table) => batches.filter((batch) => batch.table === table).map((batch) => batch.ms);
    return {
      database: onPglite ? 'PGlite' : 'PostgreSQL',
      batchSize: Number(batchSize),
      seeded: before,
      seedSeconds,
      deleted,
      left: after,
      seconds: round(seconds, 2),
      rowsPerSecond: Math.round(rows / seconds),
      rowsPerBatchSecond: Math.round(rows / batchSeconds),
      batches: batches.length,
      longestBatchMs: round(longest.ms, 1),
      longestBatchTable: longest.table,
      sessionBatchMs: { p50: round(percentile(byTable('sessions'), 50), 1), p99: round(percentile(byTable('sessions'), 99), 1) },
      refreshProbeIdle: idle,
      refreshProbeDuringPurge: busy,
    };
  } finally {
    await dataSource.destroy();
  }
}

const result = onPglite
  ? await measure({ dataDir: 'memory://' })
  : await withDatabase(adminUrl, (db) => measure({ url: db.url, dataDir: 'memory://' }));
console.log(JSON.stringify(result));
