import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../database/bound-repository';
import { auditInsert } from '../audit/audit.repository';
import type { AuditRecord } from '../audit/audit-record';
import { queryRows } from '../database/query-rows';
import { param } from '../database/sql-parameter';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { callerCondition } from './caller-condition';
import { normalizeLoginName } from './login-name';
import {
  decodeCursor,
  encodeCursor,
  ListCursor,
  ListUsersQueryDto,
  parseSort,
  SortColumn,
} from './dto/list-users-query.dto';
import { TOTAL_CAP } from './dto/user-list.dto';
import type { Role } from '../access/role.enum';
import { User } from './user.entity';

/**
 * Every statement on the `users` table, named for what it means; the service holds the rules.
 * In a transaction, other tables' statements of the same change use its `manager` too.
 */
@Injectable()
export class UsersRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** The target's live row: an admin's target, or the caller with an open session. */
  async find(target: Target): Promise<User | null> {
    const [user] = await this.run(selectUser(target));
    return user ?? null;
  }

  /** The caller's role, when the account is live and active and the session open: the admin routes' check. */
  async roleOf(caller: AuthenticatedUser): Promise<Role | undefined> {
    const params: unknown[] = [];
    const sql = `SELECT role FROM users WHERE ${targetCondition({ caller }, params)}`;
    const [row] = await queryRows<{ role: Role }>(this.manager, sql, params);
    return row?.role;
  }

  /**
   * A live account by email or username, as the unique indexes see it: `lower(column)` against
   * the name as normalizeLoginName makes it, the same text the login lockout is keyed on.
   */
  async findByLogin(login: { email?: string; username?: string }): Promise<User | null> {
    const [column, name] = login.email !== undefined ? ['email', login.email] : ['username', login.username ?? ''];
    const [user] = await queryRows<User>(
      this.manager,
      `SELECT * FROM users WHERE lower(${column}) = $1 AND deleted_at IS NULL`,
      [normalizeLoginName(name)],
    );
    return user ?? null;
  }

  /**
   * One page of live accounts, filtered and sorted, by `page` (skipping rows) or after `cursor`
   * (an index range: the same cost at any depth), and how many match, counted up to TOTAL_CAP.
   */
  async list(query: ListUsersQueryDto): Promise<UserPage> {
    const params: unknown[] = [];
    const filters = ['deleted_at IS NULL'];
    if (query.q !== undefined) {
      // No searched column can hold a line break, the separator of SEARCH_TEXT.
      if (query.q.includes('\n')) return { users: [], total: 0, totalIsCapped: false, nextCursor: null };
      filters.push(`(${SEARCH_TEXT}) ILIKE ${param(params, `%${query.q.replace(/[\\%_]/g, '\\$&')}%`)}`);
    }
    if (query.role !== undefined) filters.push(`role = ${param(params, query.role)}`);
    if (query.is_active !== undefined) filters.push(`is_active = ${param(params, query.is_active)}`);
    const matching = filters.join(' AND ');
    const [{ matches }] = await queryRows<{ matches: number }>(
      this.manager,
      `SELECT count(*)::int AS matches FROM (SELECT 1 FROM users WHERE ${matching} LIMIT ${TOTAL_CAP + 1}) AS capped`,
      params,
    );

    const { column, descending } = parseSort(query.sort);
    const direction = descending ? 'DESC' : 'ASC';
    const conditions = [matching];
    let offset = 0;
    if (query.cursor !== undefined) {
      // Validated by the DTO, made for this sort.
      const after = decodeCursor(query.cursor)!;
      conditions.push(keysetCondition(column, descending, after, params));
    } else {
      offset = ((query.page ?? 1) - 1) * query.limit;
    }
    // A timestamp's own text: a Date holds milliseconds, the column microseconds.
    const sortKey = TIMESTAMP_SORTS.has(column) ? `, ${utcText(column)} AS sort_key` : '';
    const order = column === 'id' ? `id ${direction}` : `${column} ${direction}, id ${direction}`;
    // One row more than the page: whether another page follows.
    const rows = await queryRows<User & { sort_key?: string }>(
      this.manager,
      `SELECT *${sortKey} FROM users WHERE ${conditions.join(' AND ')} ORDER BY ${order}
        LIMIT ${param(params, query.limit + 1)} OFFSET ${param(params, offset)}`,
      params,
    );
    const users = rows.slice(0, query.limit);
    const last = users.at(-1);
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor({ sort: query.sort, value: last.sort_key ?? (last[column] as number | string), id: last.id })
        : null;
    return { users, total: Math.min(matches, TOTAL_CAP), totalIsCapped: matches > TOTAL_CAP, nextCursor };
  }

  /**
   * Inserts an account, and its event when given, in one statement; a unique index it meets
   * throws (the service tells which). An event without an actor is a sign-up's: by the account.
   */
  async insert(values: NewRow, event?: AuditRecord): Promise<User> {
    const params: unknown[] = [];
    const columns = WRITABLE_COLUMNS.filter((column) => values[column] !== undefined);
    const placeholders = columns.map((column) => param(params, values[column]));
    const sql = `INSERT INTO users (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING *`;
    const [user] = await this.run(withEvents({ sql, params }, event ? [event] : [], event?.actorId === null));
    return user;
  }

  /** The target's row updated, with its events, guarded by If-Match's versions when given; null when not written. */
  async update(target: Target, values: WritableColumns, options: UpdateOptions = {}): Promise<User | null> {
    const [user] = await this.run(updateUser(target, values, options));
    return user ?? null;
  }

  /**
   * The account's second-factor marks (what its view shows of them), with a new version and its
   * events; null when the target is gone.
   */
  async setSecondFactors(target: Target, marks: SecondFactorMarks, events: AuditRecord[] = []): Promise<User | null> {
    const params: unknown[] = [];
    const assignments = (['mfa_totp', 'mfa_passkeys'] as const)
      .filter((column) => marks[column] !== undefined)
      .map((column) => `${column} = ${param(params, marks[column])}`);
    // Counted in the row's own update, which locks it: concurrent registrations each add theirs.
    if (marks.passkeysAdded !== undefined) assignments.push(`mfa_passkeys = greatest(mfa_passkeys + ${param(params, marks.passkeysAdded)}, 0)`);
    const [user] = await this.run(withEvents(updateRow(target, assignments, params), events));
    return user ?? null;
  }

  /** Soft-deletes the target's row, with its events; false when there was none. */
  async softDelete(target: Target, events: AuditRecord[]): Promise<boolean> {
    const [deleted] = await this.run(deleteUser(target, events));
    return Boolean(deleted);
  }

  /**
   * Serialises the changes that can take an admin away (demotion, deactivation, deletion, a new
   * password), taken first in their transaction: two admins demoting each other at once cannot
   * both succeed, and no two such transactions wait on each other's rows.
   */
  async serializeAdminChanges(): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_CHANGES_LOCK]);
  }

  async activeAdminIds(): Promise<number[]> {
    const admins: { id: number }[] = await this.manager.query(
      `SELECT id FROM users WHERE role = 'ADMIN' AND is_active AND deleted_at IS NULL`,
    );
    return admins.map(({ id }) => id);
  }

  async hasActiveAdmin(): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM users WHERE role = 'ADMIN' AND is_active AND deleted_at IS NULL LIMIT 1`,
    );
    return rows.length > 0;
  }

  /** Replaces a password hash, unless the password changed since `previous` was read: a login's rehash, no change of the account. */
  async replaceHash(id: number, hash: string, previous: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, [
      hash,
      id,
      previous,
    ]);
  }

  /** The target's row, locked until the transaction ends: what an email change is made from. */
  async lockedRow(target: Target): Promise<User | undefined> {
    const params: unknown[] = [];
    const [row] = await queryRows<User>(this.manager, `SELECT * FROM users WHERE ${targetCondition(target, params)} FOR UPDATE`, params);
    return row;
  }

  /** Whether a live account has this (normalised) email, as its unique index compares them. */
  async emailTaken(email: string): Promise<boolean> {
    const rows = await queryRows(this.manager, `SELECT 1 FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL`, [email]);
    return rows.length > 0;
  }

  private run({ sql, params }: Statement): Promise<User[]> {
    return queryRows<User>(this.manager, sql, params);
  }
}

/** A page of the admin list, and how many rows match the filters on all pages. */
export interface UserPage {
  users: User[];
  /** Matches, counted up to TOTAL_CAP. */
  total: number;
  /** True when more than TOTAL_CAP match: `total` is then TOTAL_CAP. */
  totalIsCapped: boolean;
  /** Where the next page starts, or null when no row follows this page. */
  nextCursor: string | null;
}

/**
 * The text `q` is looked for in: the searched columns joined by line breaks, which none of them
 * can hold (their rules refuse control characters), so that no term matches across two of them.
 * Written exactly as IDX_users_search's expression (migration 1764300000000): the planner uses
 * the index only for the same expression.
 */
const SEARCH_TEXT = `email || E'\\n' || username || E'\\n' || name || E'\\n' || coalesce(firstname, '') || E'\\n' || coalesce(lastname, '')`;

const TIMESTAMP_SORTS = new Set<SortColumn>(['created_at', 'updated_at']);

/** A timestamp column as UTC text with its microseconds, as cursors hold it. */
const utcText = (column: SortColumn) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The rows after the cursor's in the sort's order: a row comparison on (column, id), which the
 * sort's index (or, for id, the primary key) serves as a range.
 */
function keysetCondition(column: SortColumn, descending: boolean, after: ListCursor, params: unknown[]): string {
  const comparison = descending ? '<' : '>';
  if (column === 'id') return `id ${comparison} ${param(params, after.id)}`;
  const type = TIMESTAMP_SORTS.has(column) ? 'timestamptz' : 'text';
  return `(${column}, id) ${comparison} (${param(params, after.value)}::${type}, ${param(params, after.id)}::integer)`;
}

/** Any constant shared by every instance: the key of the admin changes' advisory lock. */
const ADMIN_CHANGES_LOCK = 7_401_302;

// The statements of one user row, in plain SQL rather than through TypeORM's query builder:
// they run on every self-profile request, where building them was 13% of the CPU
// (bench/README.md). The entity's property names are its column names, so a `users` row is a
// User as it is.

/**
 * Whose row a statement is for: any live account by id (an administrator's target), or the
 * caller of the self-profile API, whose account must be live and active and whose session open.
 */
export type Target = { id: number } | { caller: AuthenticatedUser };

/** The id of the account a target names. */
export function targetUserId(target: Target): number {
  return 'id' in target ? target.id : target.caller.id;
}

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
  'email_verified',
  'pending_email',
  'locale',
] as const satisfies readonly (keyof User)[];

export type WritableColumns = Partial<Pick<User, (typeof WRITABLE_COLUMNS)[number]>>;

/** What the account shows of its second factors; set only by the second-factor routes. */
export type SecondFactorMarks = Partial<Pick<User, 'mfa_totp' | 'mfa_passkeys'>> & {
  /** Passkeys registered (or, negative, removed) by the change. */
  passkeysAdded?: number;
};

/** A new account's columns: the others take their defaults. */
export type NewRow = WritableColumns & Pick<User, 'email' | 'username' | 'name' | 'password_hash'>;

/** SQL text and its positional parameters, for `EntityManager.query`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** What an update writes with the row: its events, and whether only at one of If-Match's versions. */
export interface UpdateOptions {
  versions?: number[];
  events?: AuditRecord[];
}

/** The target's row, with every column. */
export function selectUser(target: Target): Statement {
  const params: unknown[] = [];
  return { sql: `SELECT * FROM users WHERE ${targetCondition(target, params)}`, params };
}

/**
 * One UPDATE ... RETURNING * of the target's row: the given columns, a new version and
 * `updated_at` (as the entity's version and update-date columns have them), only if the row's
 * version is one of `versions` when given (If-Match), and its events.
 */
export function updateUser(target: Target, values: WritableColumns, { versions, events = [] }: UpdateOptions = {}): Statement {
  const params: unknown[] = [];
  const assignments = WRITABLE_COLUMNS.filter((column) => values[column] !== undefined).map(
    (column) => `${column} = ${param(params, values[column])}`,
  );
  return withEvents(updateRow(target, assignments, params, versions), events);
}

/** Soft-deletes the target's row, with its events: email and username are free again. */
export function deleteUser(target: Target, events: AuditRecord[] = []): Statement {
  return withEvents(updateRow(target, ['deleted_at = now()'], []), events);
}

function updateRow(target: Target, assignments: string[], params: unknown[], versions?: number[]): Statement {
  const set = [...assignments, 'version = version + 1', 'updated_at = CURRENT_TIMESTAMP'].join(', ');
  let where = targetCondition(target, params);
  if (versions) where += ` AND users.version IN (${versions.map((version) => param(params, version)).join(', ')})`;
  return { sql: `UPDATE users SET ${set} WHERE ${where} RETURNING *`, params };
}

/**
 * A statement that makes or changes one row, with its events in the same statement: they are
 * written for the row it returns, if it returns one. `byTheRow`: the row is their actor too.
 */
function withEvents(statement: Statement, events: AuditRecord[], byTheRow = false): Statement {
  if (events.length === 0) return statement;
  const { sql, params } = statement;
  const insert = auditInsert(events, params, { rows: 'written', userId: 'written.id', actorId: byTheRow ? 'written.id' : undefined });
  return { sql: `WITH written AS (${sql}), audited AS (${insert}) SELECT * FROM written`, params };
}

/**
 * The condition that picks the target's row. For a caller it also checks the token's session,
 * so that the route's own statement is the token check: no extra round trip.
 */
function targetCondition(target: Target, params: unknown[]): string {
  if ('caller' in target) return callerCondition('users', param(params, target.caller.id), param(params, target.caller.sessionId));
  return `users.id = ${param(params, target.id)} AND users.deleted_at IS NULL`;
}
