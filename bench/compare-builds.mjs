// Two builds of the service side by side: CPU time a request and req/s, GET and PUT /users in
// alternating turns. How each change of bench/README.md was measured before the whole bench.
//
//   node bench/compare-builds.mjs <a/main.js> <b/main.js> [slices=10]
//
// Copy dist/ aside (cp -r dist /tmp/a; ln -s "$PWD/node_modules" /tmp/node_modules, so that the copy
// finds the packages), change and rebuild, then compare /tmp/a/main.js with
// dist/main.js. CPU a request (user + system, from /proc) hardly moves with other load on the
// machine; req/s does.
import { compare, cpuSeconds, login, mapConcurrent, randomSecret, requests, round, seedUsers, startService, withDatabase } from './support.mjs';

const [entryA, entryB, slices = '10'] = process.argv.slice(2);
if (!entryA || !entryB) {
  console.error('usage: node bench/compare-builds.mjs <a/main.js> <b/main.js> [slices]');
  process.exit(2);
}
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const WARMUP_SECONDS = 3;

await withDatabase(adminUrl, async (db) => {
  const secret = randomSecret();
  const a = await startService({ db, secret, logDir: '/tmp', name: 'a', entry: entryA });
  const b = await startService({ db, secret, logDir: '/tmp', name: 'b', entry: entryB });
  const users = await seedUsers(a.url, 50, 8);
  // Each build's own tokens: builds may sign differently (HS256 before issue 27, EdDSA after).
  const usersOfB = await mapConcurrent(users, 8, async (user) => ({ ...user, token: await login(b.url, user.email, user.password) }));
  const usersOf = (target) => (target === b ? usersOfB : users);
  const cases = [
    ['GET /users', (target) => requests.getProfile(usersOf(target))],
    ['PUT /users', (target) => requests.putProfile(usersOf(target), 'compare')],
  ];
  for (const [label, makeRequest] of cases) {
    const before = [cpuSeconds(a.pid), cpuSeconds(b.pid)];
    const { rows, ratios } = await compare(a, b, label, makeRequest, {
      connections: 50,
      warmup: WARMUP_SECONDS,
      slices: Number(slices),
      sliceSeconds: 1.5,
      log: console.log,
    });
    const after = [cpuSeconds(a.pid), cpuSeconds(b.pid)];
    // The warm-up's requests are counted at the turns' rate: the same estimate for both.
    const micros = rows.map((row, i) =>
      round(((after[i] - before[i]) * 1e6) / (row.rps * (row.seconds + WARMUP_SECONDS)), 1),
    );
    console.log(`${label}: CPU µs a request: a ${micros[0]}, b ${micros[1]} (b/a ${round(micros[1] / micros[0], 3)}); req/s a/b ${ratios.rps}`);
  }
});
