// CPU a request of several builds against a reference, GET and PUT /users: how docs/decisions.md
// weighs each departure from Nest's defaults (build a variant with the idiom restored, compare).
//
//   node bench/cpu-per-request.mjs <reference/main.js> <variant/main.js>... [rounds=20]
//
// Every build runs at once on one database; each round gives each build one turn of wrk, in an
// order rotated every round. A turn's CPU (user + system, from /proc) over its requests is the
// build's CPU a request in that round; the figure of a variant is the median over the rounds of
// its turn ÷ the reference's turn of the same round, so that both saw the same moment of a shared
// machine. Copy dist/ aside for each build (cp -r dist /tmp/x; ln -s "$PWD/node_modules" /tmp/node_modules).
import { cpuSeconds, materialize, randomSecret, requests, round, seedUsers, startService, withDatabase } from './support.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';

const args = process.argv.slice(2);
const rounds = /^\d+$/.test(args.at(-1) ?? '') ? Number(args.pop()) : 20;
if (args.length < 2) {
  console.error('usage: node bench/cpu-per-request.mjs <reference/main.js> <variant/main.js>... [rounds=20]');
  process.exit(2);
}
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECTIONS = 50;
const WARMUP_SECONDS = 3;
const TURN_SECONDS = 2;

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const quartiles = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  return [sorted[Math.floor((sorted.length - 1) / 4)], sorted[Math.ceil(((sorted.length - 1) * 3) / 4)]];
};

ensureWrk();
await withDatabase(adminUrl, async (db) => {
  const secret = randomSecret();
  const builds = [];
  for (const [i, entry] of args.entries()) {
    builds.push(await startService({ db, secret, logDir: process.env.BENCH_LOG_DIR || '/tmp', name: i === 0 ? 'reference' : `variant${i}`, entry }));
  }
  const users = await seedUsers(builds[0].url, 50, 8);
  const cases = [
    ['GET /users', () => requests.getProfile(users)],
    ['PUT /users', () => requests.putProfile(users, 'cpu')],
  ];
  for (const [label, makeRequest] of cases) {
    for (const build of builds) {
      await wrkLoad({ url: build.url, connections: CONNECTIONS, seconds: WARMUP_SECONDS, requests: materialize(makeRequest()) });
    }
    // micros[build][round]: CPU µs a request of the build's turn in that round.
    const micros = builds.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < builds.length; k++) {
        const b = (r + k) % builds.length;
        const before = cpuSeconds(builds[b].pid);
        const run = await wrkLoad({ url: builds[b].url, connections: CONNECTIONS, seconds: TURN_SECONDS, requests: materialize(makeRequest()) });
        if (run.non2xx + run.errors > 0) throw new Error(`${args[b]}: ${run.non2xx} non-2xx, ${run.errors} errors on ${label}`);
        micros[b].push(((cpuSeconds(builds[b].pid) - before) * 1e6) / run.total);
      }
    }
    console.log(`${label}: CPU µs a request (median of ${rounds} turns), and ÷ the reference's turn of the same round (median, quartiles)`);
    for (const [b, entry] of args.entries()) {
      const ratios = micros[b].map((value, r) => value / micros[0][r]);
      const [low, high] = quartiles(ratios);
      const relative = b === 0 ? 'reference' : `${round(median(ratios), 3)} (${round(low, 3)} to ${round(high, 3)})`;
      console.log(`  ${entry.padEnd(28)} ${String(round(median(micros[b]), 1)).padStart(7)} µs  ${relative}`);
    }
  }
});
