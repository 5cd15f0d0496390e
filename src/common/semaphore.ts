/** How many may hold a semaphore at once, and how many may wait for it and how long. */
export interface SemaphoreLimits {
  permits: number;
  maxWaiting: number;
  maxWaitMs: number;
}

interface Waiter {
  grant(release: () => void): void;
  timer: NodeJS.Timeout;
}

/**
 * At most `permits` holders at once, granted in the order asked. A caller beyond them waits,
 * unless `maxWaiting` already do, and for `maxWaitMs` at most: it is then refused, so that a
 * burst is answered at once rather than queued without end.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limits: SemaphoreLimits) {}

  /** Resolves to the function that releases the permit, or to undefined when refused. */
  acquire(): Promise<(() => void) | undefined> {
    if (this.held < this.limits.permits) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limits.maxWaiting) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          resolve(undefined);
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  /** Releases once, whatever the caller does: the permit goes to the first waiter, if any. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (!next) {
        this.held--;
        return;
      }
      clearTimeout(next.timer);
      next.grant(this.releaser());
    };
  }
}
