import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppDataSource } from '../src/database/app-data-source';
import { pgliteDataSourceOptions } from '../src/database/data-source-options';
import {
  createPglite,
  SNAPSHOT_MANIFEST_PATH,
  SNAPSHOT_PATH,
  type SnapshotManifest,
} from '../src/database/pglite-snapshot';

/** The migrations' source files, index.ts aside, as one digest: a test compares it. */
export function migrationSourcesSha256(): string {
  const folder = join(__dirname, '../src/database/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'index.ts').sort()) {
    hash.update(`${file}\n`).update(readFileSync(join(folder, file)));
  }
  return hash.digest('hex');
}

// npm run pglite:snapshot: runs initdb in memory with the service's PGlite extensions, applies
// every migration as the service does, and dumps the cluster to src/database/, where openPglite
// writes it into a new data folder instead of running initdb and the migrations. Run it after
// upgrading @electric-sql/pglite or adding or changing a migration (a unit test fails until
// then); the snapshot of another release is removed.
async function main(): Promise<void> {
  const pglite = await createPglite({ dataDir: 'memory://' });
  const dataSource = await new AppDataSource(pgliteDataSourceOptions(pglite)).initialize();
  try {
    await dataSource.migrate();
    const { rows } = await pglite.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    // Everything on disk, so that a start from the snapshot has no WAL to replay.
    await pglite.exec('CHECKPOINT');
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(SNAPSHOT_PATH, Buffer.from(await dump.arrayBuffer()));
    const manifest: SnapshotManifest = { migrations: rows.map((row) => row.name), sourcesSha256: migrationSourcesSha256() };
    writeFileSync(SNAPSHOT_MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`wrote ${SNAPSHOT_PATH} (${dump.size} bytes) with ${rows.length} migrations`);
  } finally {
    await dataSource.destroy();
  }
  const folder = dirname(SNAPSHOT_PATH);
  const kept = [basename(SNAPSHOT_PATH), basename(SNAPSHOT_MANIFEST_PATH)];
  for (const file of readdirSync(folder)) {
    if (/^pglite-.*-(initdb|migrated)\.(tar\.gz|json)$/.test(file) && !kept.includes(file)) rmSync(join(folder, file));
  }
}

if (require.main === module) void main();
