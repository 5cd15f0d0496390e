import { ADMIN, useTestApp } from './support/test-app';

describe('optimistic concurrency: ETag and If-Match', () => {
  const api = useTestApp();
  let admin: string;

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  it('gives every user response an ETag that changes with each write', async () => {
    const { token } = await api.register();
    const read = await api.get('/users', { token });
    const etag = read.headers.get('etag');
    expect(etag).toMatch(/^"\d+"$/);
    expect((await api.get('/users', { token })).headers.get('etag')).toBe(etag);
    const written = await api.put('/users', { token, body: { name: 'Changed' } });
    expect(written.headers.get('etag')).toMatch(/^"\d+"$/);
    expect(written.headers.get('etag')).not.toBe(etag);
    expect((await api.get('/users', { token })).headers.get('etag')).toBe(written.headers.get('etag'));
  });

  it('tags the sign-up answer with the version a read then gives; an error answer carries none', async () => {
    const email = `tagged-${Date.now()}@example.com`;
    const signedUp = await api.post('/auth/register', { body: { email, password: 'tagged-pw-12345', name: 'Tagged' } });
    expect(signedUp.status).toBe(201);
    expect(signedUp.headers.get('etag')).toBe('"1"');
    expect(JSON.stringify(signedUp.body)).not.toMatch(/version|entityTag/i);
    const read = await api.get('/users', { token: signedUp.body.access_token });
    expect(read.headers.get('etag')).toBe(signedUp.headers.get('etag'));
    const taken = await api.post('/auth/register', { body: { email, password: 'tagged-pw-12345', name: 'Tagged' } });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('etag')).toBeNull();
  });

  it('applies PUT /users when If-Match is current, and answers 412 when it is stale', async () => {
    const { token } = await api.register();
    const etag = (await api.get('/users', { token })).headers.get('etag')!;
    const first = await api.put('/users', { token, body: { name: 'First' }, headers: { 'if-match': etag } });
    expect(first.status).toBe(200);
    const stale = await api.put('/users', { token, body: { name: 'Second' }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect((await api.get('/users', { token })).body.name).toBe('First');
    const listed = await api.put('/users', {
      token,
      body: { name: 'Third' },
      headers: { 'if-match': `"999", ${first.headers.get('etag')}` },
    });
    expect(listed.status).toBe(200);
    expect((await api.put('/users', { token, body: { name: 'Any' }, headers: { 'if-match': '*' } })).status).toBe(200);
    const weak = await api.put('/users', { token, body: { name: 'Weak' }, headers: { 'if-match': `W/${listed.headers.get('etag')}` } });
    expect(weak.status).toBe(412);
  });

  it('guards PUT /api/users/:id the same way, and still 404s a missing user', async () => {
    const { user } = await api.register();
    const read = await api.get(`/api/users/${user.id}`, { token: admin });
    const etag = read.headers.get('etag')!;
    const ok = await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'DRIVER' }, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    const stale = await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'USER' }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect((await api.get(`/api/users/${user.id}`, { token: admin })).body.role).toBe('DRIVER');
    const missing = await api.put('/api/users/999999', { token: admin, body: { name: 'X' }, headers: { 'if-match': etag } });
    expect(missing.status).toBe(404);
  });

  it('keeps every one of many concurrent partial updates of different fields', async () => {
    const { user, token } = await api.register();
    const changes = [
      ['name', 'Concurrent Name'],
      ['firstname', 'Con'],
      ['lastname', 'Current'],
      ['phone_number', '+15551234567'],
      ['image_path', 'profile-pictures/concurrent.png'],
      ['username', `concurrent_${user.id}`],
    ] as const;
    const responses = await Promise.all(
      changes.map(([field, value]) => api.put('/users', { token, body: { [field]: value } })),
    );
    // The admin's change comes after: a role change ends the user's sessions at once, so sent
    // alongside, it raced the user's own updates (a 401 for any of them that reached the
    // database after it, about 1 run in 10 on PostgreSQL).
    responses.push(await api.put(`/api/users/${user.id}`, { token: admin, body: { role: 'DRIVER' } }));
    expect(responses.map((response) => response.status)).toEqual(changes.map(() => 200).concat(200));
    const final = (await api.get(`/api/users/${user.id}`, { token: admin })).body;
    for (const [field, value] of changes) expect(final[field]).toBe(value);
    expect(final.role).toBe('DRIVER');
  });
});
