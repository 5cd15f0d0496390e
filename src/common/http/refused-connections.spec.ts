import type { LoggerService } from '@nestjs/common';
import { RefusedConnections } from './refused-connections';

describe('RefusedConnections', () => {
  let warn: jest.Mock;
  let log: RefusedConnections;

  beforeEach(() => {
    jest.useFakeTimers();
    warn = jest.fn();
    log = new RefusedConnections({ warn } as unknown as LoggerService);
  });

  afterEach(() => jest.useRealTimers());

  it('writes the first refusal at once, then one line a minute while refusals go on', () => {
    log.refused('HTTP_MAX_CONNECTIONS_PER_ADDRESS', '203.0.113.7');
    expect(warn.mock.calls).toEqual([
      [
        'Refused a connection from 203.0.113.7: HTTP_MAX_CONNECTIONS_PER_ADDRESS reached. At most one line a minute follows while refusals go on',
        'Connections',
      ],
    ]);
    for (let i = 0; i < 1_000; i++) log.refused('HTTP_MAX_CONNECTIONS_PER_ADDRESS', '203.0.113.7');
    log.refused('HTTP_MAX_CONNECTIONS');
    expect(warn).toHaveBeenCalledTimes(1);

    jest.advanceTimersByTime(60_000);
    expect(warn).toHaveBeenLastCalledWith(
      'Refused 1000 over HTTP_MAX_CONNECTIONS_PER_ADDRESS, 1 over HTTP_MAX_CONNECTIONS in the last minute',
      'Connections',
    );
    log.refused('HTTP_MAX_CONNECTIONS');
    jest.advanceTimersByTime(60_000);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenLastCalledWith('Refused 1 over HTTP_MAX_CONNECTIONS in the last minute', 'Connections');
  });

  it('writes nothing for a quiet minute, and the next refusal at once', () => {
    log.refused('HTTP_MAX_CONNECTIONS');
    jest.advanceTimersByTime(60_000);
    expect(warn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(600_000);
    log.refused('HTTP_MAX_CONNECTIONS');
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/^Refused a connection: HTTP_MAX_CONNECTIONS reached/), 'Connections');
  });
});
