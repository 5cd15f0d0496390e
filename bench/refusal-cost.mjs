// What a refused body costs the service (issue 11, finding 1): the largest body it refuses
// (about 99 kB, 11,000 unknown keys, just under the 100 kB limit) against a small one, both
// answered 400 by POST /auth/logout, a route anyone may call without a token.
//
//   npm run build && node bench/refusal-cost.mjs
//
// For each: CPU time of the service process a request (from /proc, whatever the load
// generator costs), req/s and latency at 10 connections, and the size of the answer. Then
// GET /health's latency while the hostile body is sent at full speed. Writes
// bench/refusal-cost.json.
import { writeFileSync } from 'node:fs';
import { cpuSeconds, load, randomSecret, ROOT, round, startService, withDatabase } from './support.mjs';

const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONNECTIONS = 10;

const small = { a: 1 };
const hostile = Object.fromEntries(Array.from({ length: 11_000 }, (_, i) => [`k${i}`, 1]));

await withDatabase(adminUrl, async (db) => {
  const service = await startService({ db, secret: randomSecret(), logDir: `${ROOT}bench/logs`, name: 'refusals' });
  const results = { bodyBytes: {}, cases: {} };
  for (const [label, body] of [['small body', small], ['hostile body', hostile]]) {
    const text = JSON.stringify(body);
    results.bodyBytes[label] = text.length;
    const answer = await fetch(`${service.url}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const answerBytes = (await answer.text()).length;
    if (answer.status !== 400) throw new Error(`${label}: expected 400, got ${answer.status}`);
    const request = () => ({ method: 'POST', path: '/auth/logout', body });
    await load({ url: service.url, connections: CONNECTIONS, seconds: 2, request });
    const before = cpuSeconds(service.pid);
    const run = await load({ url: service.url, connections: CONNECTIONS, seconds: SECONDS, request });
    const cpuMicros = ((cpuSeconds(service.pid) - before) * 1e6) / run.total;
    if (run.statusCodes['400']?.count !== run.total) throw new Error(`${label}: not every answer was 400`);
    results.cases[label] = { rps: run.rps, p50: run.p50, p99: run.p99, cpuMicrosPerRequest: round(cpuMicros, 1), answerBytes };
  }
  // A caller of GET /health while the hostile body arrives as fast as 40 connections send it.
  const health = [];
  const flood = load({ url: service.url, connections: 40, seconds: 5, request: () => ({ method: 'POST', path: '/auth/logout', body: hostile }) });
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
  results.cpuRatio = round(cases['hostile body'].cpuMicrosPerRequest / cases['small body'].cpuMicrosPerRequest, 2);
  console.table(cases);
  console.log(`bytes sent: ${JSON.stringify(results.bodyBytes)}`);
  console.log(`CPU a request, hostile / small: ${results.cpuRatio}`);
  console.log(`GET /health while 40 connections send the hostile body: ${JSON.stringify(results.healthDuringFlood)} (ms)`);
  writeFileSync(`${ROOT}bench/refusal-cost.json`, `${JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2)}\n`);
});
