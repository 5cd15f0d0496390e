import { retryDelaySeconds } from './mail-outbox.worker';

describe('retryDelaySeconds', () => {
  it('waits 1 s after the first try, doubling, and never more than a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 30].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });
});
