// CPU profile of the built service under load: node --cpu-prof, one case, summarised.
//
//   npm run build && node bench/profile.mjs [get|put|login] [seconds=10] [service|floor]
//
// Writes bench/profiles/<target>-<case>-<time>.cpuprofile (open it in Chrome DevTools or
// speedscope) and prints the self time of the samples taken during the measured load only.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { printSummary, summarise } from './profile-summary.mjs';
import { materialize, randomSecret, requests, ROOT, seedUsers, startFloor, startService, withDatabase } from './support.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';

const which = process.argv[2] ?? 'get';
const seconds = Number(process.argv[3] ?? 10);
const target = process.argv[4] ?? 'service';
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = `${ROOT}bench/profiles`;
const logDir = `${ROOT}bench/logs`;
mkdirSync(dir, { recursive: true });
mkdirSync(logDir, { recursive: true });
const name = `${target}-${which}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
ensureWrk();
const micros = () => Number(process.hrtime.bigint() / 1000n);

await withDatabase(adminUrl, async (db) => {
  const secret = randomSecret();
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`];
  const service = await startService({ db, secret, logDir, nodeArgs: target === 'service' ? nodeArgs : [] });
  const users = await seedUsers(service.url, Number(process.env.BENCH_USERS || 50), 8);
  const profiled = target === 'service' ? service : await startFloor({ db, secret, logDir, nodeArgs });
  const request = {
    get: () => requests.getProfile(users),
    put: () => requests.putProfile(users, 'profile'),
    login: () => requests.login(users),
  }[which]();
  const load = (runSeconds) => wrkLoad({ url: profiled.url, connections: 50, seconds: runSeconds, requests: materialize(request), timeout: 120 });
  await load(3);
  const from = micros();
  const { weighted: _weighted, ...figures } = await load(seconds);
  const to = micros();
  console.log(`${target}: ${which} under --cpu-prof: ${figures.rps} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, non-2xx ${figures.non2xx}`);
  // SIGTERM: the service closes and exits 0, and Node writes the profile on the way out.
  await profiled.stop(15_000);
  if (!readdirSync(dir).includes(name)) throw new Error(`no profile was written (${dir}/${name})`);
  const summary = summarise(JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')), { from, to, top: 30 });
  printSummary(summary);
  writeFileSync(`${dir}/${name.replace('.cpuprofile', '.summary.json')}`, `${JSON.stringify({ figures, ...summary }, null, 2)}\n`);
  console.log(`\nprofile: bench/profiles/${name}`);
});
