import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  afterEach(() => jest.useRealTimers());

  it('grants `permits` at once, then one waiter at each release, in the order asked', async () => {
    const semaphore = new Semaphore({ permits: 2, maxWaiting: 5, maxWaitMs: 60_000 });
    const [first, second] = await Promise.all([semaphore.acquire(), semaphore.acquire()]);
    const granted: number[] = [];
    const waiters = [3, 4, 5].map((n) => semaphore.acquire().then((release) => (granted.push(n), release)));
    await Promise.resolve();
    expect(granted).toEqual([]);
    first!();
    // A second release by the same holder gives nothing more.
    first!();
    await new Promise(setImmediate);
    expect(granted).toEqual([3]);
    second!();
    (await waiters[0])!();
    await Promise.all(waiters);
    expect(granted).toEqual([3, 4, 5]);
  });

  it('refuses at once beyond `maxWaiting` waiters', async () => {
    const semaphore = new Semaphore({ permits: 1, maxWaiting: 2, maxWaitMs: 60_000 });
    const holder = await semaphore.acquire();
    const waiting = [semaphore.acquire(), semaphore.acquire()];
    expect(await semaphore.acquire()).toBeUndefined();
    holder!();
    const next = await waiting[0];
    expect(next).toBeInstanceOf(Function);
    // One place free again in the queue.
    const again = semaphore.acquire();
    next!();
    (await waiting[1])!();
    expect(await again).toBeInstanceOf(Function);
  });

  it('refuses a waiter after `maxWaitMs`, and the next release skips it', async () => {
    jest.useFakeTimers();
    const semaphore = new Semaphore({ permits: 1, maxWaiting: 5, maxWaitMs: 5_000 });
    const holder = await semaphore.acquire();
    const early = semaphore.acquire();
    jest.advanceTimersByTime(4_000);
    const late = semaphore.acquire();
    jest.advanceTimersByTime(1_000);
    expect(await early).toBeUndefined();
    holder!();
    expect(await late).toBeInstanceOf(Function);
  });
});
