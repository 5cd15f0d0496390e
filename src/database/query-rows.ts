import type { Pool } from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * Runs SQL and returns its rows. TypeORM's postgres driver returns an UPDATE or DELETE as
 * `[rows, rowCount]` but a SELECT or INSERT as the rows alone; this evens that out.
 *
 * Outside a transaction the statement goes straight to the driver's pool (PGlite's too): a
 * TypeORM query makes a query runner, broadcasts events and chains promises around the same
 * pool client, 8 to 9 µs a statement, 3% of the CPU of GET /users (docs/decisions.md). Errors
 * are wrapped as TypeORM wraps them, so callers see one shape either way.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  if (manager.queryRunner === undefined) {
    const pool = (manager.connection.driver as PostgresDriver).master as Pool;
    // Not pool.query: it drops the connection after any failed statement (a 409's unique
    // violation), and PGlite's one connection, still finishing that statement, then broke the
    // next queries and the process with them. As TypeORM does: a connection that failed is
    // dropped (and its error, while checked out, handled here), one whose statement failed kept.
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on('error', onError);
    try {
      return (await client.query(sql, parameters)).rows as T[];
    } catch (error) {
      if (!isStatementError(error)) lost ??= error as Error;
      throw new QueryFailedError(sql, parameters, error as Error);
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }
  const result: unknown[] = await manager.query(sql, parameters);
  return (Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** Whether the server refused the statement (it sent an error with a severity), the connection being fine. */
function isStatementError(error: unknown): boolean {
  return typeof (error as { severity?: unknown } | null)?.severity === 'string';
}
