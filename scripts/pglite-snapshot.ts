import { PGlite } from '@electric-sql/pglite';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SNAPSHOT_PATH } from '../src/database/pglite-snapshot';

// npm run pglite:snapshot: dumps a new, empty PGlite cluster to src/database/, where
// openPglite loads it instead of running initdb. Run it after upgrading @electric-sql/pglite
// (a unit test fails until then); the snapshot of the old release is removed.
async function main(): Promise<void> {
  const pglite = await PGlite.create({ dataDir: 'memory://' });
  const dump = await pglite.dumpDataDir('gzip');
  await pglite.close();
  writeFileSync(SNAPSHOT_PATH, Buffer.from(await dump.arrayBuffer()));
  const folder = dirname(SNAPSHOT_PATH);
  for (const file of readdirSync(folder)) {
    if (/^pglite-.*-initdb\.tar\.gz$/.test(file) && file !== basename(SNAPSHOT_PATH)) rmSync(join(folder, file));
  }
  console.log(`wrote ${SNAPSHOT_PATH} (${dump.size} bytes)`);
}

void main();
