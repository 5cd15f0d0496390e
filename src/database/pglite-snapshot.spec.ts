import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationSourcesSha256 } from '../../scripts/pglite-snapshot';
import { migrationNames, openPglite, preparePglite, SNAPSHOT_MANIFEST_PATH, SNAPSHOT_PATH, type SnapshotManifest } from './pglite-snapshot';
import { compiledPgliteWasm } from './pglite-wasm';

describe('openPglite', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = join(mkdtempSync(join(tmpdir(), 'pglite-')), 'data')));
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('has a snapshot made by the installed PGlite release with every migration as its file reads now (npm run pglite:snapshot after an upgrade or a migration)', () => {
    expect(existsSync(SNAPSHOT_PATH)).toBe(true);
    const manifest = JSON.parse(readFileSync(SNAPSHOT_MANIFEST_PATH, 'utf8')) as SnapshotManifest;
    expect(manifest.migrations).toEqual(migrationNames());
    expect(manifest.sourcesSha256).toBe(migrationSourcesSha256());
  });

  it('opens a new cluster from the snapshot, migrated, in memory and in a folder', async () => {
    for (const dir of ['memory://', dataDir]) {
      const pglite = await openPglite(dir);
      expect((await pglite.query<{ answer: number }>('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
      const applied = await pglite.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      expect(applied.rows.map((row) => row.name)).toEqual(migrationNames());
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

  it('writes the snapshot again over a folder whose first start stopped before PG_VERSION', async () => {
    const folder = join(dataDir, '..', 'interrupted');
    await (await openPglite(folder)).close();
    rmSync(join(folder, 'PG_VERSION'));
    writeFileSync(join(folder, 'global', 'pg_control'), 'half-written');
    const pglite = await openPglite(folder);
    expect((await pglite.query('SELECT count(*)::int AS users FROM users')).rows).toEqual([{ users: 0 }]);
    await pglite.close();
  });

  it("opens with PGlite's WebAssembly as preparePglite compiled it ahead, from the installed release's file", async () => {
    preparePglite('memory://');
    const compiled = await compiledPgliteWasm();
    expect(compiled && WebAssembly.Module.exports(compiled).map(({ name }) => name)).toContain('pgl_exit');
    const pglite = await openPglite('memory://');
    expect((await pglite.query('SELECT count(*)::int AS users FROM users')).rows).toEqual([{ users: 0 }]);
    await pglite.close();
  });
});
