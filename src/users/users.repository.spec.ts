import { Role } from '../access/role.enum';
import { AuditAction } from '../audit/audit-action.enum';
import { deleteUser, selectUser, updateUser } from './users.repository';

const CALLER = { id: 5, sessionId: '00000000-0000-4000-8000-000000000000' };
const CALLER_CONDITION =
  'users.id = $1 AND users.deleted_at IS NULL AND users.is_active AND EXISTS ' +
  '(SELECT 1 FROM sessions s WHERE s.id = $2 AND s.user_id = users.id AND s.revoked_at IS NULL)';

describe('user statements', () => {
  it("selects a caller's row only when it is live and active and the token's session open", () => {
    expect(selectUser({ caller: CALLER })).toEqual({
      sql: `SELECT * FROM users WHERE ${CALLER_CONDITION}`,
      params: [5, CALLER.sessionId],
    });
  });

  it("selects an administrator's target when it is live, active or not", () => {
    expect(selectUser({ id: 9 })).toEqual({
      sql: 'SELECT * FROM users WHERE users.id = $1 AND users.deleted_at IS NULL',
      params: [9],
    });
  });

  it('sets the columns given, in parameters, and a new version and update time', () => {
    expect(updateUser({ id: 9 }, { name: "Robert'); DROP TABLE users;--", lastname: null, role: Role.DRIVER })).toEqual({
      sql:
        'UPDATE users SET name = $1, lastname = $2, role = $3, version = version + 1, updated_at = CURRENT_TIMESTAMP ' +
        'WHERE users.id = $4 AND users.deleted_at IS NULL RETURNING *',
      params: ["Robert'); DROP TABLE users;--", null, Role.DRIVER, 9],
    });
  });

  it('leaves out the columns given as undefined', () => {
    const { sql, params } = updateUser({ caller: CALLER }, { firstname: undefined, is_active: false });
    expect(sql).toBe(
      'UPDATE users SET is_active = $1, version = version + 1, updated_at = CURRENT_TIMESTAMP ' +
        `WHERE ${CALLER_CONDITION.replace('$2', '$3').replace('$1', '$2')} RETURNING *`,
    );
    expect(params).toEqual([false, 5, CALLER.sessionId]);
  });

  it('never puts a key that is not a writable column into the SQL', () => {
    const values = { name: 'x', id: 1, version: 99, 'x = 1; --': 'y', deleted_at: null };
    const { sql, params } = updateUser({ id: 9 }, values as never);
    expect(sql).toMatch(/^UPDATE users SET name = \$1, version = version \+ 1, updated_at = CURRENT_TIMESTAMP WHERE/);
    expect(params).toEqual(['x', 9]);
  });

  it('writes only a row at one of the If-Match versions, when given', () => {
    const { sql, params } = updateUser({ id: 9 }, { name: 'x' }, { versions: [3, 4] });
    expect(sql).toMatch(/WHERE users\.id = \$2 AND users\.deleted_at IS NULL AND users\.version IN \(\$3, \$4\) RETURNING \*$/);
    expect(params).toEqual(['x', 9, 3, 4]);
  });

  it("writes a change's events in its statement, in their order, for the row it returns only", () => {
    const origin = { ip: '203.0.113.7', userAgent: null, requestId: 'req-1' };
    const events = [
      { action: AuditAction.ADMIN_USER_UPDATED, actorId: 2, userId: 9, origin, details: { fields: ['email'] } },
      { action: AuditAction.EMAIL_CHANGED, actorId: 2, userId: 9, origin },
    ];
    const { sql, params } = updateUser({ id: 9 }, { email: 'new@example.com' }, { events });
    const insert = (n: number) => `SELECT $${n}, $${n + 1}::integer, written.id, $${n + 2}, $${n + 3}, $${n + 4}::jsonb FROM written`;
    expect(sql).toBe(
      'WITH written AS (UPDATE users SET email = $1, version = version + 1, updated_at = CURRENT_TIMESTAMP ' +
        'WHERE users.id = $2 AND users.deleted_at IS NULL RETURNING *), ' +
        `audited AS (INSERT INTO audit_events (action, actor_id, user_id, ip, request_id, details) ${insert(3)} UNION ALL ${insert(8)}) ` +
        'SELECT * FROM written',
    );
    expect(params).toEqual(['new@example.com', 9, ...['admin.user_updated', 2, origin.ip, 'req-1', '{"fields":["email"]}'], ...['email.changed', 2, origin.ip, 'req-1', '{}']]);
  });

  it('soft-deletes with the database clock, raising the version like every update', () => {
    expect(deleteUser({ caller: CALLER })).toEqual({
      sql:
        'UPDATE users SET deleted_at = now(), version = version + 1, updated_at = CURRENT_TIMESTAMP ' +
        `WHERE ${CALLER_CONDITION} RETURNING *`,
      params: [5, CALLER.sessionId],
    });
  });
});
