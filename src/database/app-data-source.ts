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
    if (await this.migrationsUpToDate()) return;
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

  /**
   * True when every migration of the code is recorded as run, as TypeORM would find it, in two
   * plain reads: TypeORM asks the information schema first, about 0.1 s on a database just
   * opened (every start but the first). Anything else is left to runMigrations.
   */
  private async migrationsUpToDate(): Promise<boolean> {
    const table = `"${this.options.migrationsTableName ?? 'migrations'}"`;
    const [{ present }] = await this.query<{ present: boolean }[]>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
    if (!present) return false;
    const executed = new Set((await this.query<{ name: string }[]>(`SELECT name FROM ${table}`)).map((row) => row.name));
    const names = this.migrations.map((migration) => migration.name ?? migration.constructor.name);
    return new Set(names).size === names.length && names.every((name) => executed.has(name));
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    await this.appOptions.pglite?.close();
  }
}
