import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { migrations } from './migrations';
import { extractSnapshot, extractSnapshotInWorker } from './pglite-extract';
import { compiledPgliteWasm, compilePgliteWasm } from './pglite-wasm';

/** The PGlite release installed: a snapshot is only good for the release that made it. */
function pgliteVersion(): string {
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The files of a new cluster (initdb's work) with the migrations of SNAPSHOT_MANIFEST_PATH
 * applied, as `npm run pglite:snapshot` dumped them, kept beside this file (and copied beside
 * the compiled one by nest-cli.json's assets).
 */
export const SNAPSHOT_PATH = join(__dirname, `pglite-${pgliteVersion()}-migrated.tar.gz`);
/** Which migrations the snapshot holds, and a digest of their source files (for a test). */
export const SNAPSHOT_MANIFEST_PATH = SNAPSHOT_PATH.replace(/\.tar\.gz$/, '.json');

export interface SnapshotManifest {
  /** The names in the snapshot's `migrations` table, in order. */
  migrations: string[];
  /** sha256 of src/database/migrations/*.ts (index.ts aside) when the snapshot was made. */
  sourcesSha256: string;
}

/** The names TypeORM records the migrations under, in order. */
export function migrationNames(): string[] {
  return migrations.map((Migration) => new Migration().name ?? Migration.name);
}

/**
 * Whether there is a snapshot for this PGlite release whose migrations are the first of
 * today's list: the ones after them run at start-up as on any database. Anything else (a
 * migration renamed or removed since) is no base to build on, and initdb runs instead.
 */
function snapshotUsable(): boolean {
  if (!existsSync(SNAPSHOT_PATH) || !existsSync(SNAPSHOT_MANIFEST_PATH)) return false;
  const manifest = JSON.parse(readFileSync(SNAPSHOT_MANIFEST_PATH, 'utf8')) as SnapshotManifest;
  const names = migrationNames();
  return manifest.migrations.every((name, index) => names[index] === name);
}

/** A folder that has no cluster yet (no PG_VERSION, which the snapshot's files end with). */
function isNewFolder(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/** Every PGlite of the service, the snapshot's maker included, is created with these. */
export async function createPglite(options: PGliteOptions): Promise<PGlite> {
  // pg_trgm: the admin list's search index (migration 1764300000000) needs its operators.
  const extensions = { pg_trgm };
  const pgliteWasmModule = await compiledPgliteWasm();
  return PGlite.create({ ...options, extensions, ...(pgliteWasmModule && { pgliteWasmModule }) });
}

/** Folders whose snapshot a worker thread is writing (preparePglite), by absolute path. */
const preparing = new Map<string, Promise<void>>();

/**
 * For main.ts, before it loads the application's modules (half a second of its thread): PGlite's
 * WebAssembly compiles on V8's threads meanwhile, and a new data folder's files are written on a
 * worker thread. openPglite waits for them, and reports the worker's error. No files for
 * `memory://`, a folder with a cluster, or without a usable snapshot.
 */
export function preparePglite(dataDir: string): void {
  compilePgliteWasm();
  if (dataDir.startsWith('memory://') || !isNewFolder(dataDir) || !snapshotUsable()) return;
  const written = extractSnapshotInWorker(SNAPSHOT_PATH, dataDir);
  written.catch(() => undefined); // not unhandled while nobody awaits it yet
  preparing.set(resolve(dataDir), written);
}

/**
 * Embedded PGlite on `dataDir`. A new cluster (a folder without one, or `memory://`) starts
 * from the snapshot when there is one for this PGlite release: a folder gets its files written
 * directly (PGlite's own loadDataDir writes them one by one through its emulated file system,
 * seconds on a busy disk), and the migrations it holds are not run again. Without a snapshot,
 * initdb takes 3 to 4 s (the first start of `npm start`, and every test application).
 */
export async function openPglite(dataDir: string): Promise<PGlite> {
  const prepared = preparing.get(resolve(dataDir));
  if (prepared) {
    preparing.delete(resolve(dataDir));
    await prepared;
  }
  if (dataDir.startsWith('memory://')) {
    if (!snapshotUsable()) return createPglite({ dataDir });
    const loadDataDir = new Blob([readFileSync(SNAPSHOT_PATH)], { type: 'application/x-gzip' });
    return createPglite({ dataDir, loadDataDir });
  }
  if (isNewFolder(dataDir) && snapshotUsable()) extractSnapshot(SNAPSHOT_PATH, dataDir);
  return createPglite({ dataDir });
}
