// Start-up on the embedded database, measured side by side in each run: the built service
// (`node dist/main.js`) from spawn to its first 200 of GET /health/ready in a new data folder
// (fresh) and in the same folder again (reopen); PGlite alone opening that folder and answering
// `select 1` (bench/pglite-alone.mjs), the floor of a reopen; and `npm start` in a fresh
// `git clone` of this worktree's HEAD (committed changes only), its node_modules a symlink to
// this one's, from spawn to the first 200. Every process runs on the node that runs the bench.
// `node bench/cold-start.mjs [runs]` prints the figures and the targets alone.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanEnv, freePort, median, randomSecret, ROOT, round } from './support.mjs';

/** PATH with the bench's own node first, so that `npm start` runs on it too. */
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`;

/** Milliseconds from `started` to the first 200 of /health/ready on `port`. */
async function firstAnswer(child, port, started, logFile) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 60_000) throw new Error(`no answer in 60 s; see ${logFile}`);
    await sleep(5);
  }
}

/** The built service on `dataDir`: milliseconds from spawn to its first answer; stopped after. */
async function serviceStart(dataDir, logFile) {
  const port = await freePort();
  const env = cleanEnv({ PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: randomSecret(), LOG_LEVEL: 'warn' });
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    return await firstAnswer(child, port, started, logFile);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** bench/pglite-alone.mjs on `dataDir`: milliseconds from spawn to its "ready"; waits for its exit. */
async function pgliteAlone(dataDir, logFile) {
  const started = performance.now();
  const child = spawn(process.execPath, ['bench/pglite-alone.mjs', dataDir], {
    cwd: ROOT,
    env: cleanEnv({}),
    stdio: ['ignore', 'pipe', openSync(logFile, 'a')],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('ready\n')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`pglite-alone.mjs exited with ${code} before it was ready; see ${logFile}`)));
  });
  const code = await exited;
  if (code !== 0) throw new Error(`pglite-alone.mjs exited with ${code}; see ${logFile}`);
  return ready;
}

/**
 * `npm start` in a new clone of HEAD with node_modules linked: milliseconds from spawn to the
 * first answer. npm, the Nest CLI and the service run in a process group of their own, stopped
 * whole after.
 */
async function npmStartFreshClone(logFile) {
  const clone = mkdtempSync(join(tmpdir(), 'bench-clone-'));
  try {
    execFileSync('git', ['clone', '--quiet', ROOT, clone], { stdio: 'ignore' });
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(clone, 'node_modules'));
    const port = await freePort();
    const env = cleanEnv({ PATH, PORT: String(port) });
    const started = performance.now();
    const child = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
    try {
      return await firstAnswer(child, port, started, logFile);
    } finally {
      await stopGroup(child.pid);
    }
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}

/** SIGTERM to process group `pgid`, SIGKILL after 10 s; returns once none of it is left. */
async function stopGroup(pgid) {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(-pgid, 'SIGTERM');
  const deadline = performance.now() + 10_000;
  while (alive()) {
    if (performance.now() > deadline) process.kill(-pgid, 'SIGKILL');
    await sleep(20);
  }
}

/**
 * `runs` rounds, each with a new data folder: the service fresh, then the service reopened and
 * PGlite alone on that folder (in turns, the order swapped each round), then `npm start` on a
 * fresh clone (unless `npmStart` is false). Medians, the medians of each round's differences,
 * and every figure, in ms.
 */
export async function coldStart({ runs = 3, logDir, npmStart = true }) {
  const logFile = `${logDir}/cold-start.log`;
  // The machine's 1-minute load before and after: other work stretches the service's figures most.
  const loadBefore = round(loadavg()[0], 1);
  const figures = { fresh: [], reopen: [], pgliteAlone: [], npmStart: [] };
  for (let run = 0; run < runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
    try {
      figures.fresh.push(round(await serviceStart(dataDir, logFile), 0));
      const reopen = async () => figures.reopen.push(round(await serviceStart(dataDir, logFile), 0));
      const alone = async () => figures.pgliteAlone.push(round(await pgliteAlone(dataDir, logFile), 0));
      for (const step of run % 2 === 0 ? [reopen, alone] : [alone, reopen]) await step();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (npmStart) figures.npmStart.push(round(await npmStartFreshClone(logFile), 0));
  }
  const { fresh, reopen, pgliteAlone: alone, npmStart: npm } = figures;
  return {
    runs,
    node: process.version,
    load: [loadBefore, round(loadavg()[0], 1)],
    freshMs: median(fresh),
    reopenMs: median(reopen),
    pgliteAloneMs: median(alone),
    npmStartMs: median(npm),
    // Each round's figures were taken within seconds of each other: their differences carry
    // less of a busy machine's drift than the differences of the medians.
    reopenOverPgliteMs: median(reopen.map((ms, i) => ms - alone[i])),
    npmStartOverReopenMs: npmStart ? median(npm.map((ms, i) => ms - reopen[i])) : undefined,
    ...figures,
  };
}

/** The start-up targets of issue 23 on coldStart's figures: { target, value, pass }. */
export function startUpTargets(cold) {
  const targets = [['embedded reopen ≤ PGlite alone + 1500 ms', cold.reopenOverPgliteMs, cold.reopenOverPgliteMs <= 1500]];
  if (cold.npmStartOverReopenMs !== undefined) {
    targets.push(['npm start on a fresh clone ≤ reopen + 2000 ms', cold.npmStartOverReopenMs, cold.npmStartOverReopenMs <= 2000]);
  }
  return targets.map(([target, value, pass]) => ({ target, value, pass }));
}

/** One line of every figure, for a person. */
export function describeColdStart(cold) {
  const line = (label, ms, all) => `${label} ${ms} ms (${all.join(', ')})`;
  const parts = [
    line('PGlite alone', cold.pgliteAloneMs, cold.pgliteAlone),
    line('service reopen', cold.reopenMs, cold.reopen),
    line('service fresh', cold.freshMs, cold.fresh),
  ];
  if (cold.npmStart.length) parts.push(line('npm start on a fresh clone', cold.npmStartMs, cold.npmStart));
  return `start-up on ${cold.node}, load ${cold.load.join(' → ')}, medians of ${cold.runs}: ${parts.join('; ')}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync } = await import('node:fs');
  const logDir = `${ROOT}bench/logs`;
  mkdirSync(logDir, { recursive: true });
  const cold = await coldStart({ runs: Number(process.argv[2] || 3), logDir, npmStart: !process.argv.includes('--no-npm-start') });
  console.log(describeColdStart(cold));
  for (const { target, value, pass } of startUpTargets(cold)) console.log(`${pass ? 'PASS' : 'FAIL'}  ${target.padEnd(48)} ${value}`);
  console.log(JSON.stringify(cold));
}
