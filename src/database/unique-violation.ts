/**
 * The unique index a failed write collided with, or undefined for any other error. PGlite and
 * the PostgreSQL server raise different error classes, so the SQLSTATE is what is checked.
 */
export function violatedUniqueIndex(error: unknown): string | undefined {
  const driverError = (error as { driverError?: { code?: unknown; constraint?: unknown } })
    ?.driverError;
  if (driverError?.code !== '23505') return undefined;
  return typeof driverError.constraint === 'string' ? driverError.constraint : '';
}
