import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

// Kept apart from pglite-snapshot.ts, with nothing but Node's own modules, so that the worker
// thread of extractSnapshotInWorker loads nothing else.

/** A NUL-terminated field of a tar header. */
function headerField(header: Buffer, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * Writes the cluster of a snapshot (the gzipped ustar archive of PGlite's dumpDataDir:
 * directories and regular files) into `dataDir`, PG_VERSION last: a folder without PG_VERSION
 * is a new one to openPglite, so a first start stopped halfway writes every file again.
 */
export function extractSnapshot(snapshotPath: string, dataDir: string): void {
  const tar = gunzipSync(readFileSync(snapshotPath));
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true });
  let pgVersion: Buffer | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header[0] === 0) break; // the zero blocks that end the archive
    const name = headerField(header, 0, 100).replace(/^\/+/, '');
    const size = parseInt(headerField(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    const path = resolve(root, name);
    if (path === root && type === '5') continue;
    if (!path.startsWith(root + sep)) throw new Error(`The PGlite snapshot has an entry outside its folder: ${name}`);
    if (type === '5') {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } else if (type === '0') {
      if (path === join(root, 'PG_VERSION')) {
        pgVersion = data;
        continue;
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, data, { mode: 0o600 });
    } else {
      throw new Error(`The PGlite snapshot has an entry of tar type ${type}: ${name}`);
    }
  }
  if (!pgVersion) throw new Error('The PGlite snapshot has no PG_VERSION');
  writeFileSync(join(root, 'PG_VERSION'), pgVersion, { mode: 0o600 });
}

interface ExtractJob {
  snapshotPath: string;
  dataDir: string;
}

/**
 * extractSnapshot on a worker thread: creating a thousand files waits on the disk (about 1 ms
 * a file while other processes sync theirs), and meanwhile the main thread loads the
 * application's modules. From TypeScript sources (no compiled file for the worker), on this
 * thread.
 */
export function extractSnapshotInWorker(snapshotPath: string, dataDir: string): Promise<void> {
  if (!__filename.endsWith('.js')) return Promise.resolve().then(() => extractSnapshot(snapshotPath, dataDir));
  return new Promise((done, fail) => {
    const job: ExtractJob = { snapshotPath, dataDir };
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', () => done());
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`The PGlite snapshot's worker stopped with ${code}`)));
  });
}

if (!isMainThread && parentPort && (workerData as Partial<ExtractJob> | undefined)?.snapshotPath) {
  const { snapshotPath, dataDir } = workerData as ExtractJob;
  extractSnapshot(snapshotPath, dataDir);
  parentPort.postMessage('done');
}
