// What request logging at LOG_LEVEL=info costs: the service at warn and at info side by side,
// GET /users in alternating turns (each info line goes to a file, as it would to a collector).
//
//   npm run build && node bench/log-cost.mjs [slices=10]
import { mkdirSync } from 'node:fs';
import { compare, randomSecret, requests, ROOT, round, seedUsers, startService, withDatabase } from './support.mjs';

const slices = Number(process.argv[2] ?? 10);
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const logDir = `${ROOT}bench/logs`;
mkdirSync(logDir, { recursive: true });
const log = console.log;

await withDatabase(adminUrl, async (db) => {
  const secret = randomSecret();
  const info = await startService({ db, secret, logDir, name: 'info', logLevel: 'info' });
  const warn = await startService({ db, secret, logDir, name: 'warn', logLevel: 'warn' });
  const users = await seedUsers(warn.url, Number(process.env.BENCH_USERS || 50), 8);
  const { ratios } = await compare(info, warn, 'GET /users', () => requests.getProfile(users), {
    connections: 50,
    warmup: 3,
    slices,
    sliceSeconds: 1.5,
    log,
  });
  console.log(`LOG_LEVEL=info costs ${round((1 - ratios.rps) * 100, 1)}% of GET /users' req/s (info/warn ${ratios.rps}; p99 ${ratios.p99}×)`);
});
