// Where the machine's CPU goes a request: the target (service or floor), PostgreSQL's processes
// and the load generator (this process), GET and PUT /users at 50 connections, one target at a
// time so that the database's and the load generator's time can be attributed.
//
//   npm run build && node bench/cpu-split.mjs [rounds=2]
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, load, randomSecret, requests, round, seedUsers, startFloor, startService, withDatabase } from './support.mjs';

const rounds = Number(process.argv[2] ?? 2);
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** CPU seconds of every PostgreSQL process on this machine. */
function postgresCpu() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').includes('(postgres)')) total += cpuSeconds(pid) ?? 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function loadGeneratorCpu() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

await withDatabase(adminUrl, async (db) => {
  const secret = randomSecret();
  const service = await startService({ db, secret, logDir: '/tmp' });
  const users = await seedUsers(service.url, 50, 8);
  const floor = await startFloor({ db, secret, logDir: '/tmp' });
  const cases = [
    ['GET /users', requests.getProfile(users)],
    ['PUT /users', requests.putProfile(users, 'split')],
  ];
  for (const [label, request] of cases) {
    for (const target of [service, floor]) await load({ url: target.url, connections: 50, seconds: 2, request });
    for (let turn = 0; turn < rounds; turn++) {
      for (const target of [service, floor]) {
        const before = [cpuSeconds(target.pid), postgresCpu(), loadGeneratorCpu()];
        const run = await load({ url: target.url, connections: 50, seconds: 4, request });
        const after = [cpuSeconds(target.pid), postgresCpu(), loadGeneratorCpu()];
        const [own, postgres, generator] = after.map((value, i) => ((value - before[i]) * 1e6) / run.total);
        console.log(
          `${label} ${target.name.padEnd(7)} ${String(run.rps).padStart(7)} req/s  µs a request: ${target.name} ${round(own, 0)}, ` +
            `PostgreSQL ${round(postgres, 0)}, load generator ${round(generator, 0)}, all ${round(own + postgres + generator, 0)}`,
        );
      }
    }
  }
});
