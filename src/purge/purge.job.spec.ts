import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { PurgeJob } from './purge.job';
import type { PurgeCounts, PurgeRepository, PurgeTarget } from './purge.repository';

/** A repository over counts instead of tables: `parent`'s batches also delete two `child` rows a row. */
class FakePurgeRepository {
  readonly targets: PurgeTarget[] = [
    { table: 'parent', batch: 'parent batch' },
    { table: 'other', batch: 'other batch', parameters: (settings) => [settings.mailRetentionDays] },
  ];
  /** `table:rows deleted`, in order, with the time each batch started and ended. */
  readonly batches: { call: string; started: number; ended: number }[] = [];
  lockedElsewhere = false;
  batchMs = 0;
  failWith?: unknown;
  onBatch?: () => void;

  constructor(public readonly remaining: Record<string, number>) {}

  async whileLocked<T>(work: (repository: this) => Promise<T>): Promise<T | undefined> {
    return this.lockedElsewhere ? undefined : work(this);
  }

  async deleteBatch(target: PurgeTarget, limit: number): Promise<PurgeCounts> {
    const started = performance.now();
    if (this.failWith) throw this.failWith;
    this.onBatch?.();
    if (this.batchMs) await sleep(this.batchMs);
    const rows = Math.min(limit, this.remaining[target.table]);
    this.remaining[target.table] -= rows;
    this.batches.push({ call: `${target.table}:${rows}`, started, ended: performance.now() });
    return target.table === 'parent' ? { parent: rows, child: 2 * rows } : { [target.table]: rows };
  }
}

function jobOn(repository: FakePurgeRepository, env: Record<string, string> = {}): PurgeJob {
  const config = AppConfig.fromEnvironment({ PURGE_BATCH_SIZE: '2', PURGE_INTERVAL_SECONDS: '0', ...env });
  return new PurgeJob(repository as unknown as PurgeRepository, config);
}

describe('PurgeJob.purgeOnce', () => {
  it('empties each target in turn, batch after batch until a short one, and adds up the counts by table', async () => {
    const repository = new FakePurgeRepository({ parent: 5, other: 4 });
    expect(await jobOn(repository).purgeOnce()).toEqual({ parent: 5, child: 10, other: 4 });
    // A full last batch needs one more to know that nothing is left.
    expect(repository.batches.map((batch) => batch.call)).toEqual([
      'parent:2',
      'parent:2',
      'parent:1',
      'other:2',
      'other:2',
      'other:0',
    ]);
  });

  it('counts every target, nothing to delete included', async () => {
    const repository = new FakePurgeRepository({ parent: 0, other: 0 });
    expect(await jobOn(repository).purgeOnce()).toEqual({ parent: 0, child: 0, other: 0 });
  });

  it('pauses between batches at least as long as the batch before took', async () => {
    const repository = new FakePurgeRepository({ parent: 6, other: 0 });
    repository.batchMs = 40;
    await jobOn(repository).purgeOnce();
    const { batches } = repository;
    expect(batches).toHaveLength(5);
    for (let i = 1; i < batches.length; i++) {
      const took = batches[i - 1].ended - batches[i - 1].started;
      // Timers may fire a millisecond early by performance.now()'s clock.
      expect(batches[i].started - batches[i - 1].ended).toBeGreaterThanOrEqual(took - 2);
    }
  });

  it('skips, deleting nothing, while another instance holds the lock', async () => {
    const repository = new FakePurgeRepository({ parent: 5, other: 4 });
    repository.lockedElsewhere = true;
    expect(await jobOn(repository).purgeOnce()).toBe('skipped');
    expect(repository.batches).toEqual([]);
  });

  it('stops between two batches when the application shuts down, and shutdown waits for it', async () => {
    const repository = new FakePurgeRepository({ parent: 100, other: 4 });
    const job = jobOn(repository);
    // Shutdown begins during the second batch; it resolves once the run has stopped.
    const shutdown = new Promise<void>((resolve) => {
      repository.onBatch = () => {
        if (repository.batches.length === 1) resolve(job.onModuleDestroy());
      };
    });
    const run = job.purgeOnce();
    await shutdown;
    expect(repository.batches.map((batch) => batch.call)).toEqual(['parent:2', 'parent:2']);
    expect(await run).toEqual({ parent: 4, child: 8 });
  });
});

describe('PurgeJob timer', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['performance'] });
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('runs one interval after start, then every interval after the last run', async () => {
    const repository = new FakePurgeRepository({ parent: 0, other: 0 });
    const job = jobOn(repository, { PURGE_INTERVAL_SECONDS: '60' });
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(59_000);
    expect(repository.batches).toHaveLength(0);
    // Both targets, with the least pause between them.
    await jest.advanceTimersByTimeAsync(1_100);
    expect(repository.batches).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(59_800);
    expect(repository.batches).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(200);
    expect(repository.batches).toHaveLength(4);
    await job.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(repository.batches).toHaveLength(4);
  });

  it('never runs with PURGE_INTERVAL_SECONDS=0', async () => {
    const repository = new FakePurgeRepository({ parent: 0, other: 0 });
    jobOn(repository).onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(30 * 86_400_000);
    expect(repository.batches).toHaveLength(0);
  });

  it('logs a database outage once, other errors every run, and keeps running', async () => {
    const repository = new FakePurgeRepository({ parent: 0, other: 0 });
    repository.failWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const job = jobOn(repository, { PURGE_INTERVAL_SECONDS: '1' });
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/database unavailable: connect ECONNREFUSED/);
    repository.failWith = new Error('relation "sessions" does not exist');
    await jest.advanceTimersByTimeAsync(2_000);
    expect(error).toHaveBeenCalledTimes(2);
    repository.failWith = undefined;
    await jest.advanceTimersByTimeAsync(1_100);
    expect(repository.batches).toHaveLength(2);
    await job.onModuleDestroy();
  });
});
