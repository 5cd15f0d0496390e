import { existsSync, readdirSync, stat } from 'node:fs';
import { constants, setPriority } from 'node:os';

const TASKS = '/proc/self/task';

/**
 * Starts libuv's thread pool and gives its threads the lowest CPU priority (nice 19). bcrypt
 * runs there: with logins keeping every pool thread busy, request handling waited its turn for
 * a core (at nice 0 a probe of 200 PUT /users a second got 97 to 119 answers a second, p50 43 to
 * 57 ms; with this, 166 to 200, p50 10 to 21 ms: docs/decisions.md). The event loop is one
 * thread, so bcrypt still gets every other core, and all of them when requests are few. Linux
 * only, where a nice value is a thread's own; elsewhere, or once the pool is running, it does
 * nothing.
 */
export function lowerThreadPoolPriority(): void {
  if (!existsSync(TASKS)) return;
  const before = new Set(readdirSync(TASKS));
  // libuv starts all the threads of its pool, and waits for them, when the first work comes.
  stat('.', () => undefined);
  const pool = readdirSync(TASKS).filter((thread) => !before.has(thread));
  for (const thread of pool) {
    try {
      setPriority(Number(thread), constants.priority.PRIORITY_LOW);
    } catch {
      // A kernel or sandbox that refuses it: the threads keep the normal priority, and that is all.
    }
  }
}
