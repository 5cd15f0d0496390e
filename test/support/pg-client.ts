import { Client } from 'pg';

/**
 * A connection of its own to the PostgreSQL database at `url` for the length of `run`: to read
 * or set up what is behind the service, or to hold a lock as another instance would. It is
 * closed after `run`, whatever `run` did.
 */
export async function withPgClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The URL of the database `name` on the server of `url` (postgres://…/postgres). */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
