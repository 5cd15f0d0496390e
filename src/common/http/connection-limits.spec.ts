import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import type { HttpLimits } from '../../config/app-config';
import { capConnections, timeoutOptions } from './connection-limits';
import type { RefusedConnections } from './refused-connections';

const LIMITS: HttpLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  maxConnections: 3,
  maxConnectionsPerAddress: 2,
};

describe('timeoutOptions', () => {
  it("gives Fastify the request and idle timeouts, and Node's server the headers timeout", () => {
    expect(timeoutOptions(LIMITS)).toEqual({
      requestTimeout: 300_000,
      connectionTimeout: 60_000,
      http: { headersTimeout: 20_000, requestTimeout: 300_000, connectionsCheckingInterval: 1_000 },
    });
  });

  it('looks for late requests every tenth of the headers timeout when that is under 10 s', () => {
    expect(timeoutOptions({ ...LIMITS, headersTimeoutMs: 2_000 }).http.connectionsCheckingInterval).toBe(200);
  });
});

describe('capConnections', () => {
  let server: Server;
  let refused: [string, string?][];
  const clients: Socket[] = [];

  async function start(trustProxy: boolean | string[]): Promise<void> {
    refused = [];
    server = createServer();
    const log = { refused: (...args: [string, string?]) => void refused.push(args) };
    capConnections(server, LIMITS, trustProxy, log as unknown as RefusedConnections);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }

  /** Connects from `localAddress`: resolves true while the connection is open a moment later, false once the server closed it. */
  async function stillOpen(localAddress: string): Promise<boolean> {
    const client = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', localAddress });
    clients.push(client);
    client.on('error', () => undefined);
    await once(client, 'connect');
    await new Promise((resolve) => setTimeout(resolve, 100));
    return !client.closed && !client.readableEnded;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    server.close();
    await once(server, 'close');
  });

  it('closes a connection over the cap of one address at once, and one over the cap in all', async () => {
    await start(false);
    expect([await stillOpen('127.0.0.2'), await stillOpen('127.0.0.2'), await stillOpen('127.0.0.2')]).toEqual([true, true, false]);
    expect([await stillOpen('127.0.0.3'), await stillOpen('127.0.0.4')]).toEqual([true, false]);
    expect(refused).toEqual([['HTTP_MAX_CONNECTIONS_PER_ADDRESS', '127.0.0.2'], ['HTTP_MAX_CONNECTIONS']]);
  });

  it('admits a new connection of the address once one of its connections has closed', async () => {
    await start(false);
    expect([await stillOpen('127.0.0.2'), await stillOpen('127.0.0.2')]).toEqual([true, true]);
    clients[0].destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stillOpen('127.0.0.2')).toBe(true);
  });

  it.each([
    ['an address of TRUST_PROXY', ['127.0.0.2']],
    ['a range of TRUST_PROXY', ['127.0.0.0/24', '::1']],
    ['TRUST_PROXY=true', true],
  ])('does not count the connections from %s per address, only in all', async (_label, trustProxy) => {
    await start(trustProxy);
    expect([await stillOpen('127.0.0.2'), await stillOpen('127.0.0.2'), await stillOpen('127.0.0.2'), await stillOpen('127.0.0.2')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(refused).toEqual([['HTTP_MAX_CONNECTIONS']]);
  });
});
