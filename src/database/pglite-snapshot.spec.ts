import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, SNAPSHOT_PATH } from './pglite-snapshot';

describe('openPglite', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = join(mkdtempSync(join(tmpdir(), 'pglite-')), 'data')));
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('has a snapshot made by the installed PGlite release (npm run pglite:snapshot after an upgrade)', () => {
    expect(existsSync(SNAPSHOT_PATH)).toBe(true);
  });

  it('opens a new cluster from the snapshot, in memory and in a folder', async () => {
    for (const dir of ['memory://', dataDir]) {
      const pglite = await openPglite(dir);
      expect((await pglite.query<{ answer: number }>('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
      if (dir === dataDir) await pglite.exec('CREATE TABLE kept (id int)');
      await pglite.close();
    }
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('reopens an existing cluster as it is, never over it', async () => {
    const pglite = await openPglite(dataDir);
    expect((await pglite.query(`SELECT to_regclass('kept') IS NOT NULL AS kept`)).rows).toEqual([{ kept: true }]);
    await pglite.close();
  });
});
