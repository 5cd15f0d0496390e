import type { AuthenticatedUser } from './authenticated-user';
import type { User } from './user.entity';

/*
 * The statements that read and write one user row, in plain SQL rather than through TypeORM's
 * query builder: they run on every self-profile request, where building them was 13% of the
 * CPU (bench/README.md). The entity's property names are its column names, so a `users` row is
 * a User as it is.
 */

/**
 * Whose row a statement is for: an administrator's target (`id`: any live account), or the
 * caller of the self-profile API, whose account must be live and active and whose session open.
 */
export type Target = { id: number } | { caller: AuthenticatedUser };

/** The columns an update may set, as the entity (and the table) names them. */
export const WRITABLE_COLUMNS = [
  'email',
  'username',
  'name',
  'firstname',
  'lastname',
  'phone_number',
  'image_path',
  'role',
  'is_active',
  'password_hash',
] as const satisfies readonly (keyof User)[];

export type WritableColumns = Partial<Pick<User, (typeof WRITABLE_COLUMNS)[number]>>;

/** SQL text and its positional parameters, for `EntityManager.query`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** The target's row, with every column. */
export function selectUser(target: Target): Statement {
  const params: unknown[] = [];
  return { sql: `SELECT * FROM users WHERE ${targetCondition(target, params)}`, params };
}

/**
 * One UPDATE ... RETURNING * of the target's row: the given columns, a new version and
 * `updated_at` (as the entity's version and update-date columns have them), and, when
 * `versions` is given, only if the row's version is one of them (If-Match).
 */
export function updateUser(target: Target, values: WritableColumns, versions?: number[]): Statement {
  const params: unknown[] = [];
  const assignments = WRITABLE_COLUMNS.filter((column) => values[column] !== undefined).map(
    (column) => `${column} = ${param(params, values[column])}`,
  );
  return updateRow(target, assignments, params, versions);
}

/** Soft-deletes the target's row: email and username are free again. */
export function deleteUser(target: Target): Statement {
  return updateRow(target, ['deleted_at = now()'], []);
}

function updateRow(target: Target, assignments: string[], params: unknown[], versions?: number[]): Statement {
  const set = [...assignments, 'version = version + 1', 'updated_at = CURRENT_TIMESTAMP'].join(', ');
  let where = targetCondition(target, params);
  if (versions) where += ` AND users.version IN (${versions.map((version) => param(params, version)).join(', ')})`;
  return { sql: `UPDATE users SET ${set} WHERE ${where} RETURNING *`, params };
}

/**
 * The condition that picks the target's row. For a caller it also checks the token's session,
 * so that the route's own statement is the token check: no extra round trip.
 */
function targetCondition(target: Target, params: unknown[]): string {
  if ('id' in target) return `users.id = ${param(params, target.id)} AND users.deleted_at IS NULL`;
  const id = param(params, target.caller.id);
  const session = param(params, target.caller.sessionId);
  return (
    `users.id = ${id} AND users.deleted_at IS NULL AND users.is_active AND EXISTS ` +
    `(SELECT 1 FROM sessions s WHERE s.id = ${session} AND s.user_id = users.id AND s.revoked_at IS NULL)`
  );
}

/** Adds a parameter and answers its placeholder. */
function param(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}
