import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { databaseUrl, withPgClient } from '../support/pg-client';
import { PrivatePostgres } from '../support/private-postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { ADMIN } from '../support/test-app';
import { createTestDatabase, onPostgresServer, TestDatabase } from '../support/test-database';
import { isAck, LoadUser, UserRow, WriteLoad } from './support/load-writers';

/**
 * Issue 5, item 4: nothing acknowledged is lost. Under a steady write load (several concurrent
 * writers: sign-ups and renames), the service is killed with SIGKILL and started again, on
 * embedded PGlite on disk and on PostgreSQL; and PostgreSQL itself is stopped and started under
 * a running service. Afterwards every write that got a 2xx must be in the database.
 *
 * Both databases are covered in every run: PGlite in a temp DATA_DIR, PostgreSQL on
 * TEST_DATABASE_URL's server when it is set, else on a private cluster (which the outage
 * scenario needs anyway, since it stops the server).
 */

/** Writers: one sequential renamer per user, and this many concurrent sign-up loops. */
const UPDATERS = 4;
const REGISTRATION_WRITERS = 3;
/** How long the load runs before the disruption, and again once the service is back. */
const LOAD_BEFORE_MS = 2500;
const LOAD_AFTER_MS = 1500;
/** How long PostgreSQL stays down under load. */
const OUTAGE_MS = 2500;
/** How fast a request must fail while the database is down (as in the outage e2e test). */
const FAIL_FAST_MS = 2000;
/** How long a restarted service may take to acknowledge writes of every kind again. */
const ACKS_AFTER_RESTART_WITHIN_MS = 30_000;
/** Per scenario: generous, as other suites may share the machine (a run takes ~10-20 s each). */
const SCENARIO_TIMEOUT_MS = 150_000;
/** How long the service may take to notice that the database is back. */
const HEAL_WITHIN_MS = 15_000;

const SELECT_USERS = `SELECT id, email, name, version, deleted_at,
  EXISTS (SELECT 1 FROM sessions WHERE sessions.user_id = users.id) AS has_session FROM users`;

function serviceEnv(database: Record<string, string>): Record<string, string> {
  return {
    ...database,
    NODE_ENV: 'development',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
  };
}

async function rowsOnServer(url: string): Promise<UserRow[]> {
  return withPgClient(url, async (client) => (await client.query<UserRow>(SELECT_USERS)).rows);
}

/** The rows in a PGlite DATA_DIR, opened directly (only when no service runs on it). */
async function rowsInDataDir(dataDir: string): Promise<UserRow[]> {
  const db = new PGlite(dataDir);
  try {
    return (await db.query<UserRow>(SELECT_USERS)).rows;
  } finally {
    await db.close();
  }
}

describe('nothing acknowledged is lost (kill -9 and database outage under load)', () => {
  const services: ServiceProcess[] = [];
  const loads: WriteLoad[] = [];
  const tempDirs: string[] = [];
  const testDatabases: TestDatabase[] = [];
  let cluster: PrivatePostgres | undefined;
  const figures: Record<string, unknown> = {};
  let stepStarted = performance.now();
  /** Progress, with the ms since the previous step (DURABILITY_STEPS=1). */
  function step(name: string): void {
    if (process.env.DURABILITY_STEPS) {
      console.log(`step: ${name} (the previous step took ${Math.round(performance.now() - stepStarted)} ms)`);
    }
    stepStarted = performance.now();
  }

  /** The private cluster, created on first use (the outage scenario, and PostgreSQL without TEST_DATABASE_URL). */
  async function privateCluster(): Promise<PrivatePostgres> {
    if (!cluster) {
      cluster = new PrivatePostgres();
      await cluster.create();
    }
    return cluster;
  }

  /** A fresh database on the private cluster; answers its URL. */
  async function clusterDatabase(name: string): Promise<string> {
    const server = await privateCluster();
    await withPgClient(server.url, (client) => client.query(`CREATE DATABASE "${name}"`));
    return databaseUrl(server.url, name);
  }

  async function startLoad(service: ServiceProcess, prefix: string): Promise<WriteLoad> {
    const users: LoadUser[] = await WriteLoad.prepareUsers(service.url, UPDATERS, prefix);
    const load = new WriteLoad(service.url, users, { registrationWriters: REGISTRATION_WRITERS, emailPrefix: prefix });
    loads.push(load);
    load.start();
    return load;
  }

  /**
   * kill -9 mid-load, start again on the same database, load on until writes of every kind are
   * acknowledged again and a little longer; answers how long the restart and those first acks took.
   * Phases: `before` the kill, `killed` from the kill until the restarted service answers /health,
   * `after` from then on.
   */
  async function killAndRestartUnderLoad(
    service: ServiceProcess,
    load: WriteLoad,
  ): Promise<{ restartMs: number; firstAcksAfterRestartMs: number }> {
    step('load before the kill');
    await sleep(LOAD_BEFORE_MS);
    await load.waitForAcks('before', 5000);
    load.phase = 'killed';
    expect(await service.stop('SIGKILL')).toBeNull();
    step('restart');
    const restartMs = await service.start();
    load.phase = 'after';
    step('load after the restart');
    const firstAcksAfterRestartMs = Math.round(await load.waitForAcks('after', ACKS_AFTER_RESTART_WITHIN_MS));
    await sleep(LOAD_AFTER_MS);
    await load.stop();
    return { restartMs, firstAcksAfterRestartMs };
  }

  /** After a kill -9 the only failures are connections refused or cut: no HTTP error, no hang. */
  function expectOnlyNetworkFailures(load: WriteLoad): void {
    const failures = load.records.filter((record) => !isAck(record.outcome));
    const notNetwork = failures.filter((record) => !String(record.outcome).startsWith('net:'));
    expect(notNetwork.slice(0, 10)).toEqual([]);
    // Nothing failed while the service was up.
    const whileUp = failures.filter((record) => record.sentIn === 'after' && record.endedIn === 'after');
    expect(whileUp.slice(0, 10)).toEqual([]);
  }

  function report(
    scenario: string,
    load: WriteLoad,
    extra: Record<string, unknown>,
    unacknowledgedApplied: Array<{ hasSession?: boolean }>,
  ): void {
    const byPhase = Object.fromEntries(
      [...new Set(load.records.map((record) => record.sentIn))].map((phase) => [
        phase,
        load.outcomes((record) => record.sentIn === phase),
      ]),
    );
    figures[scenario] = {
      acknowledged: { registrations: load.registered.length, updates: load.acknowledgedUpdates },
      requests: load.records.length,
      outcomes: load.outcomes(),
      outcomesBySentPhase: byPhase,
      unacknowledgedRegistrationsApplied: unacknowledgedApplied.length,
      // Sign-up inserts the user, then its session, in two statements (not one transaction).
      appliedWithoutSession: unacknowledgedApplied.filter(({ hasSession }) => !hasSession).length,
      ...extra,
    };
    console.log(`durability ${scenario}: ${JSON.stringify(figures[scenario])}`);
  }

  afterAll(async () => {
    for (const load of loads) load.stop().catch(() => undefined);
    await Promise.all(services.map((service) => service.stop('SIGKILL').catch(() => undefined)));
    await Promise.all(loads.map((load) => load.stop()));
    for (const database of testDatabases) await database.drop().catch(() => undefined);
    await cluster?.destroy();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a) embedded PGlite on disk: kill -9 mid-load, start again on the same DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'durability-pglite-'));
    tempDirs.push(dataDir);
    step('a: start');
    const { service, startMs } = await startServiceProcess(serviceEnv({ DATA_DIR: dataDir }), services);
    step('a: prepare');
    const load = await startLoad(service, 'pglite');

    const restarted = await killAndRestartUnderLoad(service, load);
    // Once more without load: the writes acknowledged after the restart must survive a kill too.
    expect(await service.stop('SIGKILL')).toBeNull();
    step('a: read DATA_DIR');
    const rows = await rowsInDataDir(dataDir);
    step('a: verify');

    const { problems, unacknowledgedApplied } = load.verify(rows);
    report('a) PGlite kill -9', load, { firstStartMs: startMs, ...restarted, rows: rows.length }, unacknowledgedApplied);
    expect(problems).toEqual([]);
    expect(load.registered.length).toBeGreaterThan(0);
    expectOnlyNetworkFailures(load);
  }, SCENARIO_TIMEOUT_MS);

  it(`b) PostgreSQL (${onPostgresServer ? "TEST_DATABASE_URL's server" : 'a private cluster'}): kill -9 mid-load, start again`, async () => {
    let url: string;
    if (onPostgresServer) {
      const database = await createTestDatabase();
      testDatabases.push(database);
      url = database.env.DATABASE_URL;
    } else {
      url = await clusterDatabase('durability_kill');
    }
    const { service, startMs } = await startServiceProcess(serviceEnv({ DATABASE_URL: url }), services);
    const load = await startLoad(service, 'pgkill');

    const restarted = await killAndRestartUnderLoad(service, load);
    const rows = await rowsOnServer(url);
    await service.stop('SIGKILL');

    const { problems, unacknowledgedApplied } = load.verify(rows);
    report('b) PostgreSQL kill -9', load, { firstStartMs: startMs, ...restarted, rows: rows.length }, unacknowledgedApplied);
    expect(problems).toEqual([]);
    expect(load.registered.length).toBeGreaterThan(0);
    expectOnlyNetworkFailures(load);
  }, SCENARIO_TIMEOUT_MS);

  it('c) PostgreSQL stopped and started mid-load: 503 fast while down, heals without restart, nothing acknowledged lost', async () => {
    const url = await clusterDatabase('durability_outage');
    const { service, startMs } = await startServiceProcess(serviceEnv({ DATABASE_URL: url }), services);
    const load = await startLoad(service, 'pgstop');
    const server = cluster!;

    await sleep(LOAD_BEFORE_MS);
    await load.waitForAcks('before', 5000);
    load.phase = 'down';
    const stopMs = await server.stop();
    await sleep(OUTAGE_MS);
    const live = await fetch(`${service.url}/health`);
    expect(live.status).toBe(200);
    load.phase = 'restarting';
    const clusterStartMs = await server.start();
    load.phase = 'after';
    // From the cluster's start until writes of every kind are acknowledged again.
    const healMs = await load.waitForAcks('after', HEAL_WITHIN_MS);
    load.phase = 'healed';
    await sleep(LOAD_AFTER_MS);
    await load.stop();
    const rows = await rowsOnServer(url);
    await service.stop('SIGKILL');

    const { problems, unacknowledgedApplied } = load.verify(rows);
    const failures = load.records.filter((record) => !isAck(record.outcome));
    const slowest503 = Math.max(0, ...failures.filter((record) => record.outcome === 503).map((record) => record.ms));
    report(
      'c) PostgreSQL stopped mid-load',
      load,
      {
        firstStartMs: startMs,
        clusterStopMs: Math.round(stopMs),
        clusterStartMs: Math.round(clusterStartMs),
        healMs: Math.round(healMs),
        slowest503Ms: Math.round(slowest503),
        unacknowledgedApplied: unacknowledgedApplied.slice(0, 5),
        rows: rows.length,
      },
      unacknowledgedApplied,
    );

    expect(problems).toEqual([]);
    // The outage was seen: requests sent while the server was down failed, with 503.
    expect(load.records.filter((record) => record.sentIn === 'down' && record.outcome === 503).length).toBeGreaterThan(0);
    // Every failure is a fast 503 problem (never a 500, a dropped connection or a hang).
    const wrong = failures
      .filter(
        (record) =>
          record.outcome !== 503 ||
          !/^application\/problem\+json/.test(record.contentType ?? '') ||
          record.code !== 'SERVICE_UNAVAILABLE' ||
          record.ms >= FAIL_FAST_MS,
      )
      .map(({ kind, sentIn, outcome, ms, code, contentType }) => ({ kind, sentIn, outcome, ms: Math.round(ms), code, contentType }));
    expect(wrong.slice(0, 10)).toEqual([]);
    // Healed: once writes of every kind succeeded again, nothing failed any more.
    expect(load.records.filter((record) => record.sentIn === 'healed').length).toBeGreaterThan(0);
    expect(failures.filter((record) => record.sentIn === 'healed').slice(0, 10)).toEqual([]);
  }, SCENARIO_TIMEOUT_MS);
});
