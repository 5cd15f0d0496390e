// What a refused body costs the service (issue 11, finding 1): a body of as many keys as fit
// under the 100 kB limit (11,000 unknown keys, about 88 kB) against a small one, both
// answered 400 by POST /auth/logout, a route anyone may call without a token.
//
//   npm run build && node bench/refusal-cost.mjs
//
// And a body of the same size with one long field, also refused: what receiving that many
// bytes costs, so that the shape's own cost shows. For each: CPU time of the service process a
// request (from /proc, whatever the load generator costs), req/s at 10 connections and the
// size of the answer. Then GET /health's latency while 40 connections send the hostile body.
// Writes bench/refusal-cost.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpuSeconds, load, randomSecret, ROOT, round, startService, withDatabase } from './support.mjs';

const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONNECTIONS = 10;

const small = { a: 1 };
const hostile = Object.fromEntries(Array.from({ length: 11_000 }, (_, i) => [i.toString(36), 1]));
// As many bytes as the hostile body in one field: what receiving that much costs, whatever its shape.
const plain = { a: 'x'.repeat(JSON.stringify(hostile).length - 10) };

const LOG_DIR = `${ROOT}bench/logs`;
mkdirSync(LOG_DIR, { recursive: true });

await withDatabase(adminUrl, async (db) => {
  const service = await startService({ db, secret: randomSecret(), logDir: LOG_DIR, name: 'refusals' });
  const results = { bodyBytes: {}, cases: {} };
  for (const [label, body] of [['small body', small], ['large plain body', plain], ['hostile body', hostile]]) {
    const text = JSON.stringify(body);
    results.bodyBytes[label] = text.length;
    const answer = await fetch(`${service.url}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const answerBytes = (await answer.text()).length;
    if (answer.status !== 400) throw new Error(`${label}: expected 400, got ${answer.status}`);
    const request = () => ({ method: 'POST', path: '/auth/logout', body: text });
    await load({ url: service.url, connections: CONNECTIONS, seconds: 2, request });
    const before = cpuSeconds(service.pid);
    const run = await load({ url: service.url, connections: CONNECTIONS, seconds: SECONDS, request });
    const cpuMicros = ((cpuSeconds(service.pid) - before) * 1e6) / run.total;
    if (run.statusCodes['400']?.count !== run.total) throw new Error(`${label}: not every answer was 400`);
    // No latencies: Fastify closes the connection after a body it could not parse (the hostile
    // one), and the load generator's reconnects would be what they measure.
    results.cases[label] = { rps: run.rps, cpuMicrosPerRequest: round(cpuMicros, 1), answerBytes };
  }
  // A caller of GET /health while the hostile body arrives as fast as 40 connections send it.
  const health = [];
  const hostileText = JSON.stringify(hostile);
  const flood = load({ url: service.url, connections: 40, seconds: 5, request: () => ({ method: 'POST', path: '/auth/logout', body: hostileText }) });
  const until = Date.now() + 4_000;
  await new Promise((resolve) => setTimeout(resolve, 500));
  while (Date.now() < until) {
    const started = performance.now();
    await fetch(`${service.url}/health`);
    health.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await flood;
  health.sort((a, b) => a - b);
  results.healthDuringFlood = { samples: health.length, p50: round(health[Math.floor(health.length / 2)], 1), max: round(health.at(-1), 1) };
  const { cases } = results;
  const cpu = (label) => cases[label].cpuMicrosPerRequest;
  results.cpuRatios = {
    hostileToSmall: round(cpu('hostile body') / cpu('small body'), 2),
    hostileToLargePlain: round(cpu('hostile body') / cpu('large plain body'), 2),
  };
  console.table(cases);
  console.log(`bytes sent: ${JSON.stringify(results.bodyBytes)}`);
  console.log(`CPU a request: hostile / small ${results.cpuRatios.hostileToSmall}, hostile / large plain ${results.cpuRatios.hostileToLargePlain}`);
  console.log(`GET /health while 40 connections send the hostile body: ${JSON.stringify(results.healthDuringFlood)} (ms)`);
  writeFileSync(`${ROOT}bench/refusal-cost.json`, `${JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2)}\n`);
});
