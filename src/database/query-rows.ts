import type { EntityManager } from 'typeorm';

/**
 * Runs SQL and answers its rows. TypeORM's postgres driver answers an UPDATE or DELETE as
 * `[rows, rowCount]` but a SELECT or INSERT as the rows alone; this evens that out.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: unknown[] = await manager.query(sql, parameters);
  return (Array.isArray(result[0]) ? result[0] : result) as T[];
}
