// Helpers of the benchmark: a throwaway database, the processes under test, seeding, load.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantileOf, wrkLoad } from './wrk.mjs';
import autocannon from 'autocannon';
import pg from 'pg';

export const ROOT = new URL('..', import.meta.url).pathname;

// ---------------------------------------------------------------- database

/**
 * A database of its own on the server of `adminUrl`: CREATE DATABASE bench_<timestamp>, and
 * drop() to remove it with every connection still open to it (WITH (FORCE), PostgreSQL 13+).
 */
export async function createDatabase(adminUrl) {
  const name = `bench_${Date.now()}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- processes

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const randomSecret = () => randomBytes(48).toString('base64url');

/**
 * The environment of a process under test: only what it needs, so that nothing of the caller's
 * shell (a REDIS_URL, a TRUST_PROXY...) changes what is measured. UV_THREADPOOL_SIZE is passed
 * through when set, so that the bcrypt rate is measured with the service's pool.
 */
export function cleanEnv(extra) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' };
  if (process.env.UV_THREADPOOL_SIZE) env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE;
  return { ...env, ...extra };
}

/** Every process started here, stopped by stopAll() on any exit of the bench. */
const children = new Set();

/**
 * Starts `node <args>` with its output in `logFile` (written by the child itself, so that the
 * bench's event loop never carries it), and waits until `readyUrl` answers 200.
 */
export async function startProcess({ name, args, env, logFile, readyUrl, timeoutMs = 60_000 }) {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
  const handle = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await handle.exited;
      clearTimeout(timer);
      children.delete(handle);
    },
  };
  children.add(handle);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with ${child.exitCode} before it was ready; see ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} was not ready in ${timeoutMs} ms; see ${logFile}`);
    await sleep(200);
  }
}

export async function stopAll() {
  await Promise.all([...children].map((handle) => handle.stop(2000).catch(() => {})));
}

function tail(file, bytes = 2000) {
  try {
    return readFileSync(file, 'utf8').slice(-bytes);
  } catch {
    return '';
  }
}

/** Resident memory of `pid` in MiB (VmRSS, or the high-water mark VmHWM), from /proc. */
export function memoryMiB(pid, field = 'VmRSS') {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return Number.isFinite(kib) ? kib / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user and system) that process `pid` has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export const threadCount = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return undefined;
  }
};

/** Polls the RSS of `pid` every 100 ms until stop(), which answers the highest seen (MiB). */
export function watchRss(pid) {
  let peak = memoryMiB(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryMiB(pid) ?? 0);
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, memoryMiB(pid) ?? 0);
  };
}

// ---------------------------------------------------------------- HTTP

export async function call(baseUrl, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Runs `work` over `items` with at most `concurrency` at once; answers the results in order. */
export async function mapConcurrent(items, concurrency, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Registers `count` users through POST /auth/register, keeping each one's access token. */
export function seedUsers(baseUrl, count, concurrency) {
  const stamp = Date.now().toString(36);
  const seeds = Array.from({ length: count }, (_, i) => ({
    email: `bench-${stamp}-${i}@example.com`,
    password: `bench-password-${i}-${stamp}`,
    name: `Bench User ${i}`,
  }));
  return mapConcurrent(seeds, concurrency, async (seed) => {
    const { status, body } = await call(baseUrl, 'POST', '/auth/register', { body: seed });
    if (status !== 201) throw new Error(`register answered ${status}: ${JSON.stringify(body)}`);
    return { ...seed, id: body.user.id, token: body.access_token };
  });
}

/** PUT /users/avatar of `picture` (bytes of an image) as the token's user; answers its image_path. */
export async function uploadAvatar(baseUrl, token, picture, filename = 'picture.png') {
  const form = new FormData();
  form.append('file', new Blob([picture]), filename);
  const response = await fetch(`${baseUrl}/users/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`PUT /users/avatar answered ${response.status}: ${JSON.stringify(body)}`);
  return body.image_path;
}

export async function login(baseUrl, email, password) {
  const { status, body } = await call(baseUrl, 'POST', '/auth/login', { body: { email, password } });
  if (status !== 200) throw new Error(`login of ${email} answered ${status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

// ---------------------------------------------------------------- load

/**
 * One autocannon run. `request(i)` gives the i-th request of the run ({ method, path, token,
 * body }); requests rotate over every connection, so that consecutive requests are different
 * users. Answers req/s, latency percentiles (ms), the non-2xx and error counts.
 */
export async function load({ url, connections, seconds, request, overallRate, timeout = 10, onDone, latencies }) {
  let i = 0;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    timeout,
    overallRate,
    requests: [
      {
        setupRequest(req) {
          const { method, path, token, body } = request(i++);
          req.method = method;
          req.path = path;
          if (token) req.headers.authorization = `Bearer ${token}`;
          if (body !== undefined) {
            req.headers['content-type'] = 'application/json';
            // A string is sent as it is: a large body serialised once, not once a request.
            req.body = typeof body === 'string' ? body : JSON.stringify(body);
          }
          return req;
        },
        onResponse: onDone,
      },
    ],
  });
  // Every 2xx latency, unrounded, when the caller merges several runs into one distribution.
  if (latencies) {
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  }
  const result = await instance;
  return {
    rps: round(result.requests.total / result.duration, 1),
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
    statusCodes: result.statusCodeStats,
  };
}

/**
 * One route on two targets a and b (the service and the floor), taking turns: after a warm-up of each,
 * `slices` pairs of runs of sliceSeconds, the pair's order swapped each time. Latencies of every
 * turn of a target are merged into one distribution; req/s are totals over the target's turns,
 * and the ratio of req/s (a / b) is the median of the pairs' ratios: each pair
 * saw the same moment of a noisy machine.
 */
export async function compare(a, b, label, makeRequest, { connections, warmup, slices, sliceSeconds, log = () => {} }) {
  for (const target of [a, b]) {
    await wrkLoad({ url: target.url, connections, seconds: warmup, requests: materialize(makeRequest(target, 'w')) });
  }
  const totals = Object.fromEntries(
    [a, b].map((target) => [
      target.name,
      { requests: 0, seconds: 0, non2xx: 0, errors: 0, weighted: [], peakRssMiB: 0, cpuSeconds: 0, wrkCpuSeconds: 0 },
    ]),
  );
  const pairs = [];
  for (let slice = 0; slice < slices; slice++) {
    const pair = {};
    for (const target of slice % 2 === 0 ? [a, b] : [b, a]) {
      const total = totals[target.name];
      const stopWatch = watchRss(target.pid);
      const cpuBefore = cpuSeconds(target.pid);
      const run = await wrkLoad({ url: target.url, connections, seconds: sliceSeconds, requests: materialize(makeRequest(target, slice)) });
      total.cpuSeconds += cpuSeconds(target.pid) - cpuBefore;
      total.peakRssMiB = Math.max(total.peakRssMiB, stopWatch());
      total.requests += run.total;
      total.seconds += run.seconds;
      total.non2xx += run.non2xx;
      total.errors += run.errors;
      total.wrkCpuSeconds += run.wrkCpuSeconds;
      total.weighted.push(...run.weighted);
      pair[target.name] = run.rps;
    }
    pairs.push(pair);
  }
  const rows = [a, b].map((target) => {
    const total = totals[target.name];
    return {
      case: label,
      target: target.name,
      connections,
      rps: round(total.requests / total.seconds, 1),
      p50: round(quantileOf(total.weighted, 50), 2),
      p99: round(quantileOf(total.weighted, 99), 2),
      non2xx: total.non2xx,
      errors: total.errors,
      peakRssMiB: round(total.peakRssMiB, 1),
      seconds: round(total.seconds, 1),
      // Cores used while measured: the target's process, and wrk's (the load generator's).
      cores: round(total.cpuSeconds / total.seconds, 2),
      wrkCores: round(total.wrkCpuSeconds / total.seconds, 2),
      tool: 'wrk',
    };
  });
  const pairRatios = pairs.map((pair) => pair[a.name] / pair[b.name]);
  const ratios = {
    rps: round(median(pairRatios), 3),
    rpsOfTotals: round(rows[0].rps / rows[1].rps, 3),
    p99: round(rows[0].p99 / rows[1].p99, 3),
    rpsByPair: pairRatios.map((ratio) => round(ratio, 3)),
  };
  for (const row of rows) {
    log(
      `${label.padEnd(22)} ${row.target.padEnd(7)} ${String(row.rps).padStart(8)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ` +
        `non-2xx ${row.non2xx}  errors ${row.errors}  (${slices} turns; ${row.cores} cores, wrk ${row.wrkCores})`,
    );
  }
  log(`${label}: ${a.name}/${b.name} req/s ${ratios.rps} (median of ${slices} pairs, ${Math.min(...pairRatios).toFixed(2)}–${Math.max(...pairRatios).toFixed(2)}), p99 ${ratios.p99}`);
  return { rows, pairs, ratios };
}

/** A request generator's first `count` requests, for wrk's script. */
export const materialize = (request, count = 1000) => Array.from({ length: count }, (_, i) => request(i));

// ---------------------------------------------------------------- numbers

export const round = (value, digits = 2) =>
  value === undefined || Number.isNaN(value) ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values) {
  const sorted = values.filter((value) => value !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Completions a second within [from, to] (ms timestamps). bcrypt's threads, started together,
 * finish their hashes in near-simultaneous bursts, so a count over a fixed window would be off by
 * up to a burst. Completions less than a quarter of the mean gap apart are taken as one burst,
 * and the rate is timed from the end of the first burst to the end of the last.
 */
export function completionRate(times, from, to) {
  const inWindow = times.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const none = { perSecond: 0, count: 0, seconds: (to - from) / 1000 };
  if (inWindow.length < 2) return none;
  const meanGap = (inWindow.at(-1) - inWindow[0]) / (inWindow.length - 1);
  let firstBurstEnd = 0;
  while (firstBurstEnd + 1 < inWindow.length && inWindow[firstBurstEnd + 1] - inWindow[firstBurstEnd] < meanGap / 4) {
    firstBurstEnd++;
  }
  const count = inWindow.length - 1 - firstBurstEnd;
  const seconds = (inWindow.at(-1) - inWindow[firstBurstEnd]) / 1000;
  return count > 0 && seconds > 0 ? { perSecond: count / seconds, count, seconds } : none;
}

// ---------------------------------------------------------------- a bench session

export const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };

/**
 * Runs `work(db)` with a database of its own, and whatever happens (an error, Ctrl-C) stops
 * every process started here and drops the database.
 */
export async function withDatabase(adminUrl, work) {
  const db = await createDatabase(adminUrl);
  const cleanUp = async () => {
    await stopAll();
    await db.drop();
  };
  const onSignal = (signal) => {
    console.error(`\n${signal}: stopping the processes and dropping ${db.name}`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(db);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

/**
 * The built service (dist/main.js) on `db`, configured as issue 7 says, and `env` besides; waits
 * until ready. BENCH_NODE_ARGS (space-separated) are passed to node before the entry point.
 */
export async function startService({ db, secret, name = 'service', logLevel = 'warn', nodeArgs = benchNodeArgs(), logDir, entry = process.env.BENCH_ENTRY || 'dist/main.js', env = {} }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const handle = await startProcess({
    name,
    args: [...nodeArgs, entry],
    logFile: `${logDir}/${name}.log`,
    readyUrl: `${url}/health/ready`,
    env: cleanEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: db.url,
      JWT_SECRET: secret,
      MFA_ENCRYPTION_KEY: secret,
      // The bench outlives the default 15 minutes of no access token.
      JWT_EXPIRES_IN: '1h',
      // A rotation's new key signs 4 s after it is published (run.mjs's rotation under load).
      JWKS_MAX_AGE: '2s',
      BCRYPT_ROUNDS: '12',
      LOG_LEVEL: logLevel,
      // One client address does everything, and every password is right.
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000000',
      LOGIN_MAX_FAILURES: '1000000000',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Production requires a choice; the sign-ups' mails are logged (below LOG_LEVEL=warn).
      MAIL_TRANSPORT: 'log',
      PUBLIC_URL: url,
      ...env,
    }),
  });
  return Object.assign(handle, { url, port });
}

/** BENCH_NODE_ARGS, or else the flags production runs the service with (`npm run start:prod`). */
function benchNodeArgs() {
  if (process.env.BENCH_NODE_ARGS !== undefined) return process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean);
  const startProd = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts['start:prod'];
  return startProd.split(' ').filter((word) => word.startsWith('--'));
}

/** bench/floor.mjs on `db`, with the service's JWT secret. */
export async function startFloor({ db, secret, logDir, nodeArgs = [], name = 'floor', poolSize = process.env.FLOOR_POOL_SIZE || '10' }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const handle = await startProcess({
    name,
    args: [...nodeArgs, 'bench/floor.mjs'],
    logFile: `${logDir}/${name}.log`,
    readyUrl: `${url}/health/ready`,
    env: cleanEnv({ PORT: String(port), DATABASE_URL: db.url, JWT_SECRET: secret, FLOOR_POOL_SIZE: poolSize }),
  });
  return Object.assign(handle, { url, port });
}

/** Node's `node:child_process` run of `node <args>`, answering its stdout. */
export function runNode(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

/** The requests of each case: i is the request's number in its run. */
export const requests = {
  getProfile: (users) => (i) => ({ method: 'GET', path: '/users', token: users[i % users.length].token }),
  putProfile: (users, run) => (i) => {
    const user = users[i % users.length];
    return { method: 'PUT', path: '/users', token: user.token, body: { name: `Bench ${run} ${i}` } };
  },
  adminPut: (users, adminToken, run) => (i) => ({
    method: 'PUT',
    path: `/api/users/${users[i % users.length].id}`,
    token: adminToken,
    body: { name: `Admin ${run} ${i}` },
  }),
  login: (users) => (i) => {
    const { email, password } = users[i % users.length];
    return { method: 'POST', path: '/auth/login', body: { email, password } };
  },
};
