import type { Server } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import type { HttpLimits } from '../../config/app-config';
import { ConnectionsPerAddress } from './connections-per-address';
import { RefusedConnections } from './refused-connections';

/**
 * How often Node looks for requests past their timeouts (every 30 s unless told): a tenth of the
 * headers' timeout, and at least once a second, so that a connection is closed soon after its
 * time. Each look goes through the connections receiving a request, no others.
 */
function checkingIntervalMs({ headersTimeoutMs }: HttpLimits): number {
  return Math.min(1_000, Math.ceil(headersTimeoutMs / 10));
}

/**
 * Fastify's options for HTTP_HEADERS_TIMEOUT, HTTP_REQUEST_TIMEOUT and HTTP_IDLE_TIMEOUT, which it
 * leaves at 0 (none): a request past its time is answered 408 (answers-before-hooks.ts), and a
 * connection silent too long while a request is under way is closed. Between two requests,
 * Fastify's keep-alive timeout (72 s) closes an idle connection.
 */
export function timeoutOptions(limits: HttpLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks, as it makes the server, that the headers' timeout is within the request's.
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(limits),
    },
  };
}

/** Whose connections the per-address cap does not count: TRUST_PROXY's proxies, each of which carries many clients. */
function isTrustedProxy(trustProxy: boolean | string[]): (address: string) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy;
  const proxies = new BlockList();
  for (const entry of trustProxy) {
    const [address, prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) proxies.addAddress(address, family);
    else proxies.addSubnet(address, Number(prefix), family);
  }
  return (address) => proxies.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

/**
 * HTTP_MAX_CONNECTIONS and HTTP_MAX_CONNECTIONS_PER_ADDRESS on `server`. A connection over either
 * is closed as soon as it is accepted, unanswered: that costs the server a file descriptor for an
 * instant, where an answer would cost writing it and a lingering close of up to 2 s.
 */
export function capConnections(server: Server, limits: HttpLimits, trustProxy: boolean | string[], log: RefusedConnections): void {
  // Node closes a connection over this one itself, before it makes a socket of it.
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => log.refused('HTTP_MAX_CONNECTIONS'));
  const perAddress = new ConnectionsPerAddress(limits.maxConnectionsPerAddress, isTrustedProxy(trustProxy), (client) =>
    log.refused('HTTP_MAX_CONNECTIONS_PER_ADDRESS', client),
  );
  server.on('connection', perAddress.admit);
}
