// The built service on the embedded database: from the process's spawn to its first answer of
// GET /health/ready, in a new data folder (the cluster created, the migrations run) and then in
// the same folder again (a reopen). `node bench/cold-start.mjs [runs]` prints the figures alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanEnv, freePort, median, randomSecret, ROOT, round } from './support.mjs';

/** Milliseconds from spawn to the first 200 of /health/ready; the process is stopped after. */
async function firstAnswer(dataDir, logFile) {
  const port = await freePort();
  const env = cleanEnv({ PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: randomSecret(), LOG_LEVEL: 'warn' });
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}; see ${logFile}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (response.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error(`no answer in 60 s; see ${logFile}`);
      await sleep(5);
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** `runs` new folders, each started once new and once reopened; medians and every figure. */
export async function coldStart({ runs = 3, logDir }) {
  const fresh = [];
  const reopen = [];
  for (let run = 0; run < runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
    try {
      fresh.push(round(await firstAnswer(dataDir, `${logDir}/cold-start.log`), 0));
      reopen.push(round(await firstAnswer(dataDir, `${logDir}/cold-start.log`), 0));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { freshMs: median(fresh), reopenMs: median(reopen), fresh, reopen };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync } = await import('node:fs');
  const logDir = `${ROOT}bench/logs`;
  mkdirSync(logDir, { recursive: true });
  const result = await coldStart({ runs: Number(process.argv[2] || 3), logDir });
  console.log(JSON.stringify(result));
}
