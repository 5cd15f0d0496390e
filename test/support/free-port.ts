import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on now, for a server a test starts (the service, PostgreSQL,
 * Redis): suites run side by side, so no test may count on a fixed port.
 */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}
