import { PGlite } from '@electric-sql/pglite';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The PGlite release installed: a snapshot is only good for the release that made it. */
function pgliteVersion(): string {
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The files of a new, empty cluster (initdb's work), as `npm run pglite:snapshot` dumped them,
 * kept beside this file (and copied beside the compiled one by nest-cli.json's assets).
 */
export const SNAPSHOT_PATH = join(__dirname, `pglite-${pgliteVersion()}-initdb.tar.gz`);

/**
 * Embedded PGlite on `dataDir`. A new cluster (a folder without one, or `memory://`) is
 * loaded from the snapshot when there is one for this PGlite release: about 0.7 s, where
 * initdb takes 3 to 4 s (the first start of `npm start`, and every test application).
 */
export function openPglite(dataDir: string): Promise<PGlite> {
  const isNew = dataDir.startsWith('memory://') || !existsSync(join(dataDir, 'PG_VERSION'));
  if (isNew && existsSync(SNAPSHOT_PATH)) {
    return PGlite.create({ dataDir, loadDataDir: new Blob([readFileSync(SNAPSHOT_PATH)]) });
  }
  return PGlite.create({ dataDir });
}
