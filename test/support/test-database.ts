import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseSettings } from '../../src/database/data-source-options';

export interface TestDatabase {
  /** Environment variables that point the service at this database. */
  env: Record<string, string>;
  settings: DatabaseSettings;
  drop(): Promise<void>;
}

/** Which database the end-to-end suite runs on: PGlite, or TEST_DATABASE_URL's server. */
export const onPostgresServer = Boolean(process.env.TEST_DATABASE_URL);

async function onServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of this test file's own: on the PostgreSQL server of TEST_DATABASE_URL, one it
 * creates and drops; otherwise embedded PGlite, in memory or in `dataDir` when given.
 */
export async function createTestDatabase(dataDir = 'memory://'): Promise<TestDatabase> {
  if (!onPostgresServer) {
    return { env: { DATA_DIR: dataDir }, settings: { dataDir }, drop: async () => {} };
  }
  const name = `accounts_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    settings: { url: url.toString(), dataDir },
    drop: async () => {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
