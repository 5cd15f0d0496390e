// npm run bench: the service against the framework-free floor, on PostgreSQL (issues 7, 14 and 15).
//
// BENCH_DATABASE_URL  the server to make a throwaway database on
//                     (default postgres://postgres@127.0.0.1:5432/postgres)
// BENCH_USERS         how many users to seed (default 100)
// BENCH_SECONDS       seconds measured of GET /avatars/:name and of the logins (default 10)
// BENCH_SLICES        turns of 2 s: service and floor on GET and PUT /users, the admin route and PUT /users (default 10)
// BENCH_ENTRY         the service's entry point (default dist/main.js), to compare another build
//
// Prints a table and the ratios with each target of issue 14 (and the start-up ones of issue 23),
// and writes bench/results.json.
// A missed target is printed, not an exit code: the bench measures, it does not gate.
// wrk (C) drives every closed-loop case; autocannon only the fixed-rate probe and the logins
// (see bench/README.md: which tool measures what).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import sharp from 'sharp';
import { coldStart, describeColdStart, startUpTargets } from './cold-start.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';
import {
  ADMIN,
  call,
  cleanEnv,
  compare,
  completionRate,
  cpuSeconds,
  load,
  login,
  materialize,
  memoryMiB,
  randomSecret,
  requests,
  ROOT,
  round,
  runNode,
  seedUsers,
  startFloor,
  startService,
  threadCount,
  uploadAvatar,
  watchRss,
  withDatabase,
} from './support.mjs';

const settings = {
  adminUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  users: Number(process.env.BENCH_USERS || 100),
  seconds: Number(process.env.BENCH_SECONDS || 10),
  connections: 50,
  // Warm-up before each measured run; its figures are dropped.
  warmup: 3,
  // GET and PUT /users: service and floor take turns of sliceSeconds, `slices` turns each, so
  // that both see the same moments of a noisy machine.
  slices: Number(process.env.BENCH_SLICES || 10),
  // wrk counts whole seconds.
  sliceSeconds: 2,
  // PUT /users at a fixed, low rate, without and with logins saturating the bcrypt threads.
  // 15 s: in 6 s (1,200 requests) one 30-ms stall, idle or not, decided the p99 (README).
  probe: { connections: 10, rate: 200, seconds: 15, warmup: 1 },
  bcryptSeconds: 5,
};

const LOG_DIR = `${ROOT}bench/logs`;
mkdirSync(LOG_DIR, { recursive: true });
const log = (...args) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

/**
 * A measured run of `target`, after a warm-up whose figures are dropped: wrk as fast as it
 * goes, or autocannon at a fixed `overallRate` (wrk has no fixed rate).
 */
async function measure(target, label, { request, warmup, seconds = settings.seconds, connections = settings.connections, overallRate }) {
  const run = (runSeconds) =>
    overallRate
      ? load({ url: target.url, connections, seconds: runSeconds, request, overallRate })
      : wrkLoad({ url: target.url, connections, seconds: runSeconds, requests: materialize(request) });
  if (warmup > 0) await run(warmup);
  const stopWatch = watchRss(target.pid);
  const cpuBefore = cpuSeconds(target.pid);
  const { weighted: _weighted, wrkCpuSeconds, ...figures } = await run(seconds);
  const cores = round((cpuSeconds(target.pid) - cpuBefore) / figures.seconds, 2);
  const tool = overallRate ? 'autocannon' : 'wrk';
  const wrkCores = wrkCpuSeconds === undefined ? undefined : round(wrkCpuSeconds / figures.seconds, 2);
  const result = { case: label, target: target.name, connections, overallRate, ...figures, cores, wrkCores, tool, peakRssMiB: round(stopWatch(), 1) };
  log(`${label.padEnd(22)} ${target.name.padEnd(7)} ${String(result.rps).padStart(8)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  non-2xx ${result.non2xx}  errors ${result.errors}`);
  return result;
}

/**
 * A signing key rotation taking effect in the middle of a GET /users run (JWKS_MAX_AGE of 2 s: the
 * new key signs 4 s after it is published): the run's live tokens, of the old key, must get no
 * 401, and a login after the run must carry the new key.
 */
async function rotationUnderLoad(service, users, adminToken) {
  const started = Date.now();
  const run = measure(service, 'GET /users, rotating', { request: requests.getProfile(users), warmup: 0, seconds: 8 });
  await sleep(1000);
  const rotated = await call(service.url, 'POST', '/api/signing-keys/rotate', { token: adminToken, body: {} });
  const row = await run;
  const token = await login(service.url, users[0].email, users[0].password);
  const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
  const switchedAfter = round((Date.parse(rotated.body.signs_from) - started) / 1000, 1);
  const switched = rotated.status === 201 && kid === rotated.body.kid && switchedAfter < row.seconds;
  log(`key rotation during GET /users: published ${rotated.body.kid} 1 s in, signing from ${switchedAfter} s in; non-2xx ${row.non2xx}; next login's kid ${switched ? 'the new one' : kid}`);
  return { row: { ...row, case: 'GET /users, key rotating' }, switched, switchedAfter };
}

/** The floor must answer what the service answers, or the comparison means nothing. */
async function checkFloorAgreement(service, floor, user) {
  const fromService = await call(service.url, 'GET', '/users', { token: user.token });
  const fromFloor = await call(floor.url, 'GET', '/users', { token: user.token });
  const sameBody = isDeepStrictEqual(fromService.body, fromFloor.body);
  const headerNames = (response) => [...response.headers.keys()].sort();
  const missing = headerNames(fromService).filter((name) => !headerNames(fromFloor).includes(name));
  const refused = await call(floor.url, 'PUT', '/users', { token: user.token, body: { name: ' ', role: 'ADMIN' } });
  const badToken = await call(floor.url, 'GET', '/users', { token: `${user.token.slice(0, -2)}xx` });
  const agreement = {
    statuses: [fromService.status, fromFloor.status],
    sameBody,
    headersMissingFromFloor: missing,
    floorRefusesBadBody: refused.status === 400 && refused.body.errors.length === 2,
    floorRefusesBadSignature: badToken.status === 401,
  };
  if (!sameBody || fromFloor.status !== 200 || !agreement.floorRefusesBadBody || !agreement.floorRefusesBadSignature) {
    throw new Error(`the floor does not answer like the service: ${JSON.stringify(agreement)}`);
  }
  return agreement;
}

/**
 * POST /auth/login saturating the bcrypt threads for warm-up + measured seconds, then on,
 * while the PUT /users probe runs beside it. Logins a second are timed from completions.
 */
async function loginsWithProbe(service, users, probeRequest) {
  const { warmup, seconds, connections } = settings;
  const probe = settings.probe;
  const total = warmup + seconds + probe.warmup + probe.seconds + 1;
  const completions = [];
  const started = performance.now();
  const stopWatch = watchRss(service.pid);
  const cpu = {};
  setTimeout(() => (cpu.from = cpuSeconds(service.pid)), warmup * 1000);
  setTimeout(() => (cpu.to = cpuSeconds(service.pid)), (warmup + seconds) * 1000);
  const logins = load({
    url: service.url,
    connections,
    seconds: total,
    // 50 logins queue behind a few bcrypt threads: each waits seconds.
    timeout: 120,
    request: requests.login(users),
    onDone: (status) => {
      if (status === 200) completions.push(performance.now());
    },
  });
  await sleep((warmup + seconds) * 1000);
  const loaded = await measure(service, 'PUT /users probe', {
    request: probeRequest,
    warmup: probe.warmup,
    seconds: probe.seconds,
    connections: probe.connections,
    overallRate: probe.rate,
  });
  const overall = await logins;
  const rate = completionRate(completions, started + warmup * 1000, started + (warmup + seconds) * 1000);
  const loginRow = {
    case: 'POST /auth/login',
    target: 'service',
    connections,
    ...overall,
    tool: 'autocannon',
    // Completions of the window without the probe; the latency figures are of the whole run.
    rps: round(rate.perSecond, 2),
    rateWindow: rate,
    // The service's CPU seconds per login in the window: bcrypt's and everything else's.
    cpuPerLogin: round((cpu.to - cpu.from) / (rate.perSecond * seconds), 4),
    peakRssMiB: round(stopWatch(), 1),
  };
  log(`POST /auth/login       service ${String(loginRow.rps).padStart(8)} req/s  p50 ${loginRow.p50} ms  p99 ${loginRow.p99} ms  non-2xx ${loginRow.non2xx}  errors ${loginRow.errors}`);
  return { loginRow, loaded: { ...loaded, case: 'PUT /users probe, logins', note: 'during logins' } };
}

/**
 * The size of the service's libuv pool: its threads less those of a bare Node process (the main
 * thread and V8's), once it has used the pool (seeding hashed passwords). Read from the
 * process rather than assumed, so that a pool size set by the service itself is seen too.
 */
async function libuvPoolOf(pid) {
  const bare = Number(await runNode(['-e', "console.log(require('fs').readdirSync('/proc/self/task').length)"], cleanEnv({})));
  const pool = threadCount(pid) - bare;
  if (Number.isInteger(pool) && pool >= 1 && pool <= 1024) return pool;
  const fallback = Number(process.env.UV_THREADPOOL_SIZE || 4);
  log(`warning: could not tell the service's libuv pool size (${pool}); assuming ${fallback}`);
  return fallback;
}

/** The machine's bcrypt rate at cost 12 on `pool` libuv threads, measured in a child process. */
async function bcryptRate(pool) {
  const env = cleanEnv({ UV_THREADPOOL_SIZE: String(pool) });
  const rate = JSON.parse(await runNode(['bench/bcrypt-rate.mjs', '12', String(settings.bcryptSeconds)], env));
  log(`bcrypt at cost 12: ${round(rate.perSecond, 2)} compares/s on ${rate.threadpool} libuv threads`);
  return rate;
}

function printTable(rows) {
  const columns = [
    ['case', (r) => r.case, 28],
    ['target', (r) => r.target, 8],
    ['tool', (r) => r.tool, 10],
    ['conn', (r) => r.connections + (r.overallRate ? `@${r.overallRate}/s` : ''), 9],
    ['req/s', (r) => r.rps, 9],
    ['p50 ms', (r) => r.p50, 7],
    ['p99 ms', (r) => r.p99, 7],
    ['non-2xx', (r) => r.non2xx, 8],
    ['errors', (r) => r.errors, 7],
    ['cores', (r) => r.cores, 5],
    ['wrk cores', (r) => r.wrkCores, 9],
    ['peak RSS MiB', (r) => r.peakRssMiB, 12],
  ];
  const line = (cells) => cells.map((cell, i) => String(cell ?? '').padEnd(columns[i][2])).join(' | ');
  console.log(line(columns.map(([title]) => title)));
  console.log(columns.map(([, , width]) => '-'.repeat(width)).join('-|-'));
  for (const row of rows) console.log(line(columns.map(([, get]) => get(row))));
}

async function main() {
  const startedAt = new Date();
  const secret = randomSecret();
  ensureWrk(log);
  log(`node ${process.version}, ${cpus().length} CPUs, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '(unset: libuv default 4)'}`);
  return withDatabase(settings.adminUrl, async (db) => {
    log(`database ${db.name}`);
    const service = await startService({ db, secret, logDir: LOG_DIR });
    log(`service pid ${service.pid} on ${service.url} (LOG_LEVEL=warn, BCRYPT_ROUNDS=12)`);

    const seedStart = performance.now();
    const users = await seedUsers(service.url, settings.users, 8);
    const adminToken = await login(service.url, ADMIN.email, ADMIN.password);
    log(`seeded ${users.length} users through POST /auth/register in ${round((performance.now() - seedStart) / 1000, 1)} s`);

    const floor = await startFloor({ db, secret, logDir: LOG_DIR });
    const agreement = await checkFloorAgreement(service, floor, users[0]);
    log(`floor pid ${floor.pid} on ${floor.url}: same body as the service; headers it lacks: ${agreement.headersMissingFromFloor.join(', ') || 'none'}`);

    // GET and PUT /users, service and floor alternately in short slices.
    const comparisons = {
      'GET /users': await compare(service, floor, 'GET /users', () => requests.getProfile(users), { ...settings, log }),
      'PUT /users': await compare(service, floor, 'PUT /users', (target, slice) => requests.putProfile(users, `${target.name}${slice}`), {
        ...settings,
        log,
      }),
    };
    await floor.stop();

    // The admin route against PUT /users on the same service, in alternating turns too: a ratio
    // of two runs minutes apart would carry the machine's drift between them.
    const adminPut = await compare(
      { ...service, name: 'admin' },
      { ...service, name: 'self' },
      'PUT /api/users/:id',
      (target, slice) =>
        target.name === 'admin' ? requests.adminPut(users, adminToken, `a${slice}`) : requests.putProfile(users, `s${slice}`),
      { ...settings, log },
    );
    const admin = { ...adminPut.rows[0], target: 'service' };
    const rotation = await rotationUnderLoad(service, users, adminToken);

    // A profile picture (issue 15), as a first visit asks for it (no If-None-Match): one read of
    // the avatars table a request; browsers and CDNs then keep it (immutable).
    const picture = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#3a6' } }).jpeg().toBuffer();
    const avatarPath = await uploadAvatar(service.url, users[0].token, picture, 'bench.jpg');
    const avatar = await measure(service, 'GET /avatars/:name', {
      request: () => ({ method: 'GET', path: avatarPath }),
      warmup: settings.warmup,
    });

    // The probe alone, then the bcrypt rate of this machine, then logins with the probe beside.
    const probe = settings.probe;
    const probeRequest = requests.putProfile(users, 'probe');
    const idle = await measure(service, 'PUT /users probe', {
      request: probeRequest,
      warmup: probe.warmup,
      seconds: probe.seconds,
      connections: probe.connections,
      overallRate: probe.rate,
    });
    const pool = await libuvPoolOf(service.pid);
    const before = await bcryptRate(pool);
    const { loginRow, loaded } = await loginsWithProbe(service, users, probeRequest);
    const serviceVmHWM = memoryMiB(service.pid, 'VmHWM');
    // Abandoned logins keep the service's bcrypt threads busy for seconds: it goes before the
    // second measure of the machine's rate.
    await service.stop(2000);
    const after = await bcryptRate(pool);
    const cold = await coldStart({ runs: 3, logDir: LOG_DIR });
    log(describeColdStart(cold));
    const bcrypt = {
      ...before,
      perSecond: (before.perSecond + after.perSecond) / 2,
      cpuPerCompare: (before.cpuPerCompare + after.cpuPerCompare) / 2,
      before,
      after,
    };

    // ------------------------------------------------------------ figures and targets
    const table = [
      ...comparisons['GET /users'].rows,
      ...comparisons['PUT /users'].rows,
      admin,
      rotation.row,
      avatar,
      loginRow,
      { ...idle, case: 'PUT /users probe, idle' },
      loaded,
    ];
    const ratios = {
      getRps: comparisons['GET /users'].ratios.rps,
      getP99: comparisons['GET /users'].ratios.p99,
      putRps: comparisons['PUT /users'].ratios.rps,
      putP99: comparisons['PUT /users'].ratios.p99,
      loginsPerBcrypt: round(loginRow.rps / bcrypt.perSecond, 3),
      // The same in CPU time, which other load on the machine hardly changes.
      bcryptCpuPerLoginCpu: round(bcrypt.cpuPerCompare / loginRow.cpuPerLogin, 3),
      probeP99LoadedPerIdle: round(loaded.p99 / idle.p99, 3),
      adminPutPerPut: adminPut.ratios.rps,
    };
    // The load generator is not the limit when the service uses a whole core (Node runs
    // JavaScript on one) while wrk uses a fraction of one.
    const generator = comparisons['GET /users'].rows.map(({ target, cores, wrkCores }) => ({ target, cores, wrkCores }));
    const non2xx = table.filter((row) => row.target === 'service').reduce((sum, row) => sum + row.non2xx + row.errors, 0);
    // 0.80 since issue 23: the request path takes Nest's own way where it costs 3% or less.
    const targets = [
      ['GET /users req/s ≥ 0.80 × floor', ratios.getRps, ratios.getRps >= 0.8],
      ['GET /users p99 ≤ 1.3 × floor', ratios.getP99, ratios.getP99 <= 1.3],
      ['PUT /users req/s ≥ 0.80 × floor', ratios.putRps, ratios.putRps >= 0.8],
      ['PUT /users p99 ≤ 1.3 × floor', ratios.putP99, ratios.putP99 <= 1.3],
      ['PUT /api/users/:id req/s ≥ 0.8 × PUT /users', ratios.adminPutPerPut, ratios.adminPutPerPut >= 0.8],
      ['no non-2xx (nor errors) from the service', non2xx, non2xx === 0],
      ['a key rotation mid-run: no 401, the new key signing', rotation.row.non2xx, rotation.row.non2xx === 0 && rotation.switched],
      ['logins/s ≥ 0.9 × bcrypt rate', ratios.loginsPerBcrypt, ratios.loginsPerBcrypt >= 0.9],
      ['PUT /users p99 during logins ≤ 1.5 × idle', ratios.probeP99LoadedPerIdle, ratios.probeP99LoadedPerIdle <= 1.5],
      ['embedded cold start ≤ 2000 ms', cold.freshMs, cold.freshMs <= 2000],
      ['embedded reopen ≤ 1000 ms', cold.reopenMs, cold.reopenMs <= 1000],
    ]
      .map(([target, value, pass]) => ({ target, value, pass }))
      .concat(startUpTargets(cold));

    console.log('');
    printTable(table);
    console.log('');
    for (const [label, { ratios: r }] of Object.entries(comparisons)) {
      console.log(`${label}: service/floor req/s ${r.rps} (median of the pairs: ${r.rpsByPair.join(', ')}; of the totals ${r.rpsOfTotals}), p99 ${r.p99}`);
    }
    console.log(
      `bcrypt at cost 12 on ${bcrypt.threadpool} libuv threads: ${round(bcrypt.perSecond, 2)}/s ` +
        `(${round(before.perSecond, 2)} before the logins, ${round(after.perSecond, 2)} after); logins: ${loginRow.rps}/s`,
    );
    console.log(
      `CPU: ${round(bcrypt.cpuPerCompare * 1000)} ms a compare, ${round(loginRow.cpuPerLogin * 1000)} ms a login ` +
        `(ratio ${ratios.bcryptCpuPerLoginCpu}: the logins' figure where other load on the machine cancels out)`,
    );
    console.log(`service peak RSS (VmHWM): ${round(serviceVmHWM, 1)} MiB`);
    for (const { target, cores, wrkCores } of generator) {
      console.log(`GET /users, ${target}: ${cores} cores of the process, ${wrkCores} of wrk (the load generator)`);
    }
    console.log('');
    for (const { target, value, pass } of targets) {
      console.log(`${pass ? 'PASS' : 'FAIL'}  ${target.padEnd(48)} ${value}`);
    }

    const results = {
      startedAt: startedAt.toISOString(),
      seconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
      machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model, uvThreadpoolSize: bcrypt.threadpool },
      settings: { ...settings, adminUrl: undefined },
      agreement,
      table,
      comparisons,
      bcrypt,
      serviceLibuvPool: pool,
      serviceVmHWMMiB: round(serviceVmHWM, 1),
      ratios,
      generator,
      coldStart: cold,
      targets,
    };
    writeFileSync(`${ROOT}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote bench/results.json (${results.seconds} s in all)`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
