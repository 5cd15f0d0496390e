import { existsSync, readdirSync, stat } from 'node:fs';
import { constants, setPriority } from 'node:os';

const TASKS = '/proc/self/task';

/**
 * Starts libuv's thread pool and lowers its threads' CPU priority below the event loop's.
 * bcrypt runs there: with logins keeping every pool thread busy, request handling would
 * otherwise wait its turn for a core (PUT /users p99 went from 17 to 88 ms, 1.6× with this;
 * bench/README.md), while an idle event loop still leaves logins all the CPU. Linux only,
 * where a nice value is a thread's own; elsewhere, or once the pool is running, it does
 * nothing.
 */
export function lowerThreadPoolPriority(): void {
  if (!existsSync(TASKS)) return;
  const before = new Set(readdirSync(TASKS));
  // libuv starts all the threads of its pool, and waits for them, when the first work comes.
  stat('.', () => undefined);
  const pool = readdirSync(TASKS).filter((thread) => !before.has(thread));
  for (const thread of pool) setPriority(Number(thread), constants.priority.PRIORITY_BELOW_NORMAL);
}
