/**
 * The condition that the row `alias` of `users` is the caller's account, live and active, and
 * that the caller's session of it is open: the token's check, written once for every statement
 * that carries it (users' and sessions'). `userId` and `sessionId` are SQL: placeholders.
 */
export function callerCondition(alias: string, userId: string, sessionId: string): string {
  return (
    `${alias}.id = ${userId} AND ${alias}.deleted_at IS NULL AND ${alias}.is_active AND EXISTS ` +
    `(SELECT 1 FROM sessions s WHERE s.id = ${sessionId} AND s.user_id = ${alias}.id AND s.revoked_at IS NULL)`
  );
}
