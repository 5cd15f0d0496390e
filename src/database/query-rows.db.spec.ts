import { QueryFailedError } from 'typeorm';
import { migratedDatabase } from '../../test/support/migrated-database';
import type { AppDataSource } from './app-data-source';
import { queryRows } from './query-rows';

/** queryRows on a real (embedded) database: a failed statement leaves the connection usable. */
describe('queryRows on PGlite', () => {
  let dataSource: AppDataSource;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
  });

  afterAll(() => dataSource?.destroy());

  it('throws a failed statement as TypeORM does, and the statements right after it run', async () => {
    await queryRows(dataSource.manager, `INSERT INTO users (email, username, name) VALUES ($1, $2, $3)`, ['a@example.com', 'a', 'A']);
    const failed = queryRows(dataSource.manager, `INSERT INTO users (email, username, name) VALUES ($1, $2, $3)`, ['a@example.com', 'b', 'B']);
    await expect(failed).rejects.toBeInstanceOf(QueryFailedError);
    // No tick in between: a pool that dropped its one connection refuses these.
    const next = await Promise.all([1, 2, 3].map((n) => queryRows<{ n: number }>(dataSource.manager, 'SELECT $1::int AS n', [n])));
    expect(next.map(([row]) => row.n)).toEqual([1, 2, 3]);
  });
});
