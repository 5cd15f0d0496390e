import Redis from 'ioredis';
import { once } from 'node:events';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '../support/eventually';
import { PrivateRedis } from '../support/private-redis';
import { freePort } from '../support/free-port';
import { connectRedis, MAX_RECONNECT_MS, reconnectDelay } from '../../src/redis/redis-connection';

/** A TCP proxy to the real server: closed, it refuses connections as a Redis that is away does. */
class Proxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    // Back on the same port, as a restarted Redis is.
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const closed = once(this.server!, 'close');
    this.server!.close();
    await closed;
  }
}

describe('reconnectDelay', () => {
  it('starts at 100 ms and doubles up to a cap of at most 5 s', () => {
    expect([1, 2, 3, 4, 5].map(reconnectDelay)).toEqual([100, 200, 400, 800, 1600]);
    expect(MAX_RECONNECT_MS).toBeLessThanOrEqual(5000);
    expect(reconnectDelay(6)).toBe(MAX_RECONNECT_MS);
    expect(reconnectDelay(10_000)).toBe(MAX_RECONNECT_MS);
  });
});

/** A real ioredis client against a real redis-server of the test's own. */
describe('connectRedis', () => {
  const server = new PrivateRedis();
  let logger: { warn: jest.Mock; log: jest.Mock };
  const clients: Redis[] = [];

  beforeAll(() => server.start());
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    await server.stop();
  });
  // One each: a client of an earlier test would log to it too.
  beforeEach(() => (logger = { warn: jest.fn(), log: jest.fn() }));

  it('connects without a line, and logs nothing when closed on purpose', async () => {
    const redis = await connectRedis(server.url, logger);
    expect(await redis.ping()).toBe('PONG');
    await redis.quit();
    await sleep(200);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.log).not.toHaveBeenCalled();
  });

  it('logs each lost connection once and its end once', async () => {
    const redis = await connectRedis(server.url, logger);
    clients.push(redis);
    const admin = new Redis(server.url);
    try {
      for (let outage = 1; outage <= 2; outage++) {
        const id = await redis.client('ID');
        await admin.client('KILL', 'ID', String(id));
        await waitUntil(() => logger.log.mock.calls.length === outage, { timeoutMs: 5_000, intervalMs: 20 });
        expect(logger.warn).toHaveBeenCalledTimes(outage);
      }
    } finally {
      admin.disconnect();
    }
    expect(logger.warn).toHaveBeenLastCalledWith(expect.stringMatching(/^Redis is away: connection lost$/));
    expect(logger.log).toHaveBeenLastCalledWith('Redis is back');
    expect(await redis.ping()).toBe('PONG');
  });

  it('backs off while Redis is away, fails fast, and logs the outage once and its end once', async () => {
    const proxy = new Proxy(server.port);
    await proxy.open();
    const redis = await connectRedis(proxy.url, logger);
    clients.push(redis);
    const delays: number[] = [];
    redis.on('reconnecting', (delay: number) => delays.push(delay));

    await proxy.close();
    await sleep(3500);
    // 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s: five attempts, then the cap.
    expect(delays.slice(0, 6)).toEqual([100, 200, 400, 800, 1600, MAX_RECONNECT_MS]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.log).not.toHaveBeenCalled();
    const started = performance.now();
    await expect(redis.ping()).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(100);

    await proxy.open();
    await waitUntil(() => redis.status === 'ready', { timeoutMs: MAX_RECONNECT_MS + 2000, intervalMs: 20 });
    expect(await redis.ping()).toBe('PONG');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.log).toHaveBeenCalledTimes(1);
    expect(logger.log).toHaveBeenCalledWith('Redis is back');
    await redis.quit();
    await proxy.close();
  });

  it('rejects after one warning with the reason when Redis does not answer at start-up', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    await expect(connectRedis(url, logger)).rejects.toThrow();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/^Redis is away: connect ECONNREFUSED 127\.0\.0\.1:/));
  });

  it('tries once at start-up and leaves no client reconnecting behind', async () => {
    let connections = 0;
    const hangsUp = createServer((socket) => {
      connections++;
      socket.destroy();
    }).listen(0, '127.0.0.1');
    await once(hangsUp, 'listening');
    try {
      const { port } = hangsUp.address() as AddressInfo;
      await expect(connectRedis(`redis://127.0.0.1:${port}`, logger)).rejects.toThrow();
      await sleep(1000);
      expect(connections).toBe(1);
      expect(logger.warn).toHaveBeenCalledTimes(1);
    } finally {
      hangsUp.close();
    }
  });
});
