// How many bcrypt comparisons a second this machine's libuv threads reach, the way the service
// runs them (bcrypt's async API on the threadpool, UV_THREADPOOL_SIZE as in the environment).
//
//   node bench/bcrypt-rate.mjs [rounds=12] [seconds=4]
//
// Prints one JSON line: { rounds, threadpool, seconds, compares, perSecond, cpuPerCompare, threads }.
import { readdirSync } from 'node:fs';
import bcrypt from 'bcrypt';
import { completionRate } from './support.mjs';

const rounds = Number(process.argv[2] ?? 12);
const seconds = Number(process.argv[3] ?? 4);
const threadpool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

const hash = await bcrypt.hash('bench-password', rounds);
// Twice as many in flight as there are threads, so that the pool is never idle.
const done = [];
let running = true;
const worker = async () => {
  while (running) {
    await bcrypt.compare('bench-password', hash);
    done.push(performance.now());
  }
};
const started = performance.now();
const workers = Array.from({ length: threadpool * 2 }, worker);
// Half a second to fill the pool, then `seconds` of completions, and the CPU time they took.
await new Promise((resolve) => setTimeout(resolve, 500));
const cpuFrom = process.cpuUsage();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const cpu = process.cpuUsage(cpuFrom);
running = false;
const threads = readdirSync('/proc/self/task').length;
await Promise.all(workers);
const { perSecond, count, seconds: measured } = completionRate(done, started + 500, started + (0.5 + seconds) * 1000);
// CPU seconds a compare costs, whatever else the machine is doing: a cross-check of the rate.
const cpuPerCompare = (cpu.user + cpu.system) / 1e6 / (perSecond * seconds);
console.log(JSON.stringify({ rounds, threadpool, seconds: measured, compares: count, perSecond, cpuPerCompare, threads }));
