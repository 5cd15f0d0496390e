import type { EntityManager } from 'typeorm';

/**
 * Ends a user's sessions (all, or all but one): their access tokens stop working at once and
 * their refresh tokens are refused. Runs in the caller's transaction.
 */
export async function revokeSessions(
  manager: EntityManager,
  userId: number,
  exceptSessionId?: string,
): Promise<void> {
  await manager.query(
    `UPDATE sessions SET revoked_at = now()
     WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
    [userId, exceptSessionId ?? null],
  );
}
