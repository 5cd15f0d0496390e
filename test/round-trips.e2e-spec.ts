import { Client } from 'pg';
import { ApiClient } from './support/api-client';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

/**
 * The cost of authentication in database round trips: the token's session and account are
 * checked by the route's own statement, so the self-profile routes make exactly one.
 */
describe('database round trips per request', () => {
  let testApp: TestApp;
  let api: ApiClient;
  const queries: string[] = [];
  // The mail outbox worker polls its table on its own timer: its statements are no request's.
  const isOutboxWorker = (sql: string) => /\bmail_outbox\b/.test(sql);
  const originalQuery = Client.prototype.query;

  beforeAll(async () => {
    testApp = await startTestApp();
    api = testApp.api;
    // Counted where every statement leaves for the server, through TypeORM or not.
    jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const [query] = args as [string | { text: string }];
      const sql = typeof query === 'string' ? query : query.text;
      if (!isOutboxWorker(sql)) queries.push(sql);
      return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await testApp.close();
  });

  async function count(request: () => Promise<{ status: number }>, status: number): Promise<string[]> {
    queries.length = 0;
    expect((await request()).status).toBe(status);
    return [...queries];
  }

  it('GET /users: one query, authentication included', async () => {
    const { token } = await api.register();
    expect(await count(() => api.get('/users', { token }), 200)).toHaveLength(1);
  });

  it('PUT /users: one statement, authentication included', async () => {
    const { token } = await api.register();
    const statements = await count(() => api.put('/users', { token, body: { name: 'One Trip' } }), 200);
    expect(statements).toHaveLength(1);
    // The update and its audit event, in one statement.
    expect(statements[0]).toMatch(/^WITH written AS \(UPDATE users .*INSERT INTO audit_events/s);
  });

  it('PUT /users with a stale If-Match: a second query only to tell 412 from 401', async () => {
    const { token } = await api.register();
    const statements = await count(() => api.put('/users', { token, body: { name: 'x' }, headers: { 'if-match': '"999"' } }), 412);
    expect(statements).toHaveLength(2);
  });

  it('an admin route: one query for the role and the session, then its own', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const { user } = await api.register();
    expect(await count(() => api.get(`/api/users/${user.id}`, { token: admin }), 200)).toHaveLength(2);
  });

  it("PUT /api/users/:id of profile fields: the role's query, then one statement with its event", async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const { user, token } = await api.register();
    const statements = await count(() => api.put(`/api/users/${user.id}`, { token: admin, body: { name: 'Y' } }), 200);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^SELECT role FROM users/);
    expect(statements[1]).toMatch(/^WITH written AS \(UPDATE users .*INSERT INTO audit_events/s);
    // Refused by the role's query alone: nothing else runs, nothing is written.
    expect(await count(() => api.put(`/api/users/${user.id}`, { token, body: { name: 'Z' } }), 403)).toHaveLength(1);
    expect((await api.get('/users', { token })).body.name).toBe('Y');
  });

  it('a refused token costs no query at all', async () => {
    expect(await count(() => api.get('/users', { token: 'not-a-token' }), 401)).toHaveLength(0);
  });
});
