import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { migrations } from './migrations';
import { openPglite } from './pglite-snapshot';

export interface DatabaseSettings {
  /** A postgres:// URL; without it, embedded PGlite under dataDir. */
  url?: string;
  /** A folder, or `memory://` for a throwaway database. */
  dataDir: string;
}

export type AppDataSourceOptions = PostgresDataSourceOptions & {
  /** The embedded database behind the pool, closed with the data source. */
  pglite?: PGlite;
};

const common: PostgresDataSourceOptions = {
  type: 'postgres',
  migrations,
  migrationsTransactionMode: 'each',
  // The schema comes only from migrations.
  synchronize: false,
};

/**
 * One set of entities and migrations for both databases. PGlite is reached through its own
 * node-postgres bridge with a pool of one connection, so that transactions are serialised and
 * isolated (the typeorm-pglite driver shares one session between concurrent transactions).
 */
export async function dataSourceOptions({ url, dataDir }: DatabaseSettings): Promise<AppDataSourceOptions> {
  if (url) {
    return { ...common, url, poolSize: 10, connectTimeoutMS: 1500 };
  }
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  return pgliteDataSourceOptions(await openPglite(dataDir));
}

/** The options on an open PGlite (npm run pglite:snapshot migrates one it made itself). */
export function pgliteDataSourceOptions(pglite: PGlite): AppDataSourceOptions {
  const { connection } = createPgConfig(pglite);
  // The bridge's one connection object cannot be reopened, so the pool never closes it.
  return { ...common, poolSize: 1, extra: { connection, idleTimeoutMillis: 0 }, pglite };
}
