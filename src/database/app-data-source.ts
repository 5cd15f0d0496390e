import { DataSource } from 'typeorm';
import type { AppDataSourceOptions } from './data-source-options';

/** Any constant shared by every instance: the key of the migrations' advisory lock. */
const MIGRATION_LOCK = 7_401_301;

/** A DataSource that migrates safely at start-up and closes the embedded database it runs on. */
export class AppDataSource extends DataSource {
  constructor(private readonly appOptions: AppDataSourceOptions) {
    super(appOptions);
  }

  /**
   * Applies pending migrations. On a server they run under an advisory lock, so that instances
   * starting together take turns instead of racing; an embedded database has one process.
   */
  async migrate(): Promise<void> {
    if (this.appOptions.pglite) {
      await this.runMigrations();
      return;
    }
    const lock = this.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await this.runMigrations();
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lock.release();
    }
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    await this.appOptions.pglite?.close();
  }
}
