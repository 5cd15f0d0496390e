import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { errorLine } from '../common/error-line';
import { AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { PurgeCounts, PurgeRepository } from './purge.repository';

/**
 * The least pause between two batches. Each pause is at least as long as the batch before it
 * took, so the purge has at most half of a connection's time: on PGlite's one connection the
 * requests that queued during a batch go first. It is a timer, not a resolved promise: PGlite
 * resolves without I/O, and a loop of batches that never waited on a timer would keep the event
 * loop from reading any request at all.
 */
const MIN_PAUSE_MS = 10;

/** On the global timer (not node:timers/promises), which the spec's fake timers drive. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes what only grows and nothing reads any more (ended sessions with their refresh tokens,
 * spent or expired mail-link tokens, old delivered or given-up mail), every
 * PURGE_INTERVAL_SECONDS, in batches of PURGE_BATCH_SIZE with a pause between them. Every
 * instance has the timer; one at a time runs (PurgeRepository.whileLocked), the others skip.
 */
@Injectable()
export class PurgeJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  /** Whether the last run failed on the database: logged once, not every run. */
  private failing = false;
  private readonly logger = new Logger(PurgeJob.name);

  constructor(
    private readonly repository: PurgeRepository,
    private readonly config: AppConfig,
  ) {}

  /** The first run comes one interval after start, so a fresh instance's start and tests go undisturbed. */
  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Stops between two batches, before the database closes (module destruction comes first). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One run over every target: the rows deleted by table, or 'skipped' when another instance
   * (or another run here) is purging. Throws what the database throws.
   */
  purgeOnce(): Promise<PurgeCounts | 'skipped'> {
    const run = this.repository.whileLocked((repository) => this.purgeAll(repository));
    this.running = Promise.allSettled([this.running, run]);
    return run.then((counts) => counts ?? 'skipped');
  }

  private schedule(): void {
    const { intervalSeconds } = this.config.purge;
    if (this.stopped || intervalSeconds === 0) return;
    this.timer = setTimeout(() => void this.tick(), intervalSeconds * 1000).unref();
  }

  private async tick(): Promise<void> {
    try {
      const started = performance.now();
      const counts = await this.purgeOnce();
      if (counts === 'skipped') {
        this.logger.debug('Purge skipped: another instance is purging');
      } else if (Object.values(counts).some((count) => count > 0)) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const rows = Object.entries(counts).map(([table, count]) => `${count} ${table}`);
        this.logger.log(`Purged ${rows.join(', ')} in ${seconds} s`);
      }
      this.failing = false;
    } catch (error) {
      // The database is away: the rows wait for the next run, and the outage is logged once.
      if (!isDatabaseUnavailable(error)) {
        this.logger.error(`Purge failed: ${errorLine(error)}`);
      } else if (!this.failing) {
        this.logger.warn(`Purge: database unavailable: ${errorLine(error)}`);
        this.failing = true;
      }
    } finally {
      this.schedule();
    }
  }

  /** Each target in turn, batch after batch, until a batch comes back short of a full one. */
  private async purgeAll(repository: PurgeRepository): Promise<PurgeCounts> {
    const { batchSize } = this.config.purge;
    const total: PurgeCounts = {};
    let pauseMs = 0;
    for (const target of repository.targets) {
      total[target.table] ??= 0;
      for (let full = true; full; ) {
        if (this.stopped) return total;
        if (pauseMs > 0) await sleep(pauseMs);
        const started = performance.now();
        const counts = await repository.deleteBatch(target, batchSize, this.config.purge);
        pauseMs = Math.max(MIN_PAUSE_MS, performance.now() - started);
        for (const [table, count] of Object.entries(counts)) total[table] = (total[table] ?? 0) + count;
        full = counts[target.table] >= batchSize;
      }
    }
    return total;
  }
}
