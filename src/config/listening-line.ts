import { isIPv6 } from 'node:net';
import type { AppConfig } from './app-config';
import { EVERY_IPV4_INTERFACE } from './environment';

/**
 * The one line a start prints for a person: where to call the service (localhost when it listens
 * on every interface, HOST otherwise), where Swagger UI is, and which database it uses (a
 * server's address without its credentials).
 */
export function listeningLine({ host, port, swaggerEnabled, database }: AppConfig): string {
  const name = host === EVERY_IPV4_INTERFACE ? 'localhost' : isIPv6(host) ? `[${host}]` : host;
  const url = `http://${name}:${port}`;
  const docs = swaggerEnabled ? `, Swagger UI at ${url}/docs` : '';
  return `Listening on ${url}${docs}; database: ${databaseName(database)}`;
}

function databaseName({ url, dataDir }: AppConfig['database']): string {
  if (!url) return dataDir.startsWith('memory://') ? 'embedded PGlite in memory' : `embedded PGlite in ${dataDir}`;
  const { hostname, port, pathname } = new URL(url);
  return `PostgreSQL at ${hostname}:${port || 5432}${pathname}`;
}
