import { randomBytes } from 'node:crypto';
import type { DatabaseSettings } from '../../src/database/data-source-options';
import { databaseUrl, withPgClient } from './pg-client';

export interface TestDatabase {
  /** Environment variables that point the service at this database. */
  env: Record<string, string>;
  settings: DatabaseSettings;
  drop(): Promise<void>;
}

/** Which database the end-to-end suite runs on: PGlite, or TEST_DATABASE_URL's server. */
export const onPostgresServer = Boolean(process.env.TEST_DATABASE_URL);

/**
 * A database of this test file's own: on the PostgreSQL server of TEST_DATABASE_URL, one it
 * creates and drops; otherwise embedded PGlite, in memory or in `dataDir` when given.
 */
export async function createTestDatabase(dataDir = 'memory://'): Promise<TestDatabase> {
  if (!onPostgresServer) {
    return { env: { DATA_DIR: dataDir }, settings: { dataDir }, drop: async () => {} };
  }
  const name = `accounts_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const server = process.env.TEST_DATABASE_URL!;
  await withPgClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(server, name);
  return {
    env: { DATABASE_URL: url },
    settings: { url, dataDir },
    drop: async () => {
      await withPgClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
