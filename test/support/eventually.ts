import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polling, for what a test cannot be told of when it happens: a worker's write, a reconnect, rows
 * counted in a table. Each checks at once, then every `intervalMs` until `timeoutMs` has passed.
 */

/** Resolves once `done()` answers true; rejects with "timed out" once `timeoutMs` has passed. */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(intervalMs);
  }
}

/** Runs `check` until it passes; once `timeoutMs` has passed, fails with its last failure. */
export async function expectEventually(check: () => void | Promise<void>, { timeoutMs = 10_000, intervalMs = 100 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
