import type { AppConfig } from './app-config';

/**
 * The one line a start prints for a person: where to call the service, where Swagger UI is,
 * and which database it uses (a server's address without its credentials).
 */
export function listeningLine({ port, swaggerEnabled, database }: AppConfig): string {
  const url = `http://localhost:${port}`;
  const docs = swaggerEnabled ? `, Swagger UI at ${url}/docs` : '';
  return `Listening on ${url}${docs}; database: ${databaseName(database)}`;
}

function databaseName({ url, dataDir }: AppConfig['database']): string {
  if (!url) return dataDir.startsWith('memory://') ? 'embedded PGlite in memory' : `embedded PGlite in ${dataDir}`;
  const { hostname, port, pathname } = new URL(url);
  return `PostgreSQL at ${hostname}:${port || 5432}${pathname}`;
}
