import { expectAnsweredAlike } from './support/alike-answers';
import { ADMIN, useTestApp } from './support/test-app';
import { randomSuffix, uniqueEmail } from './support/unique';

describe('brute force: a rate limit per address on the auth routes', () => {
  const api = useTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '5', LOGIN_MAX_FAILURES: '100' });

  it('answers the request over the limit with 429 RATE_LIMITED and Retry-After, across the auth routes', async () => {
    const { token, password } = await api.register();
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await api.post('/auth/login', { body: { email: 'a@example.com', password: 'whatever-1' } })).status);
    for (let i = 0; i < 2; i++) statuses.push((await api.post('/auth/refresh', { body: { refresh_token: 'nope' } })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const limited = await api.post('/auth/register', { body: { email: 'late@example.com', password: 'password-1', name: 'Late' } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const change = await api.post('/users/password', { token, body: { current_password: password, new_password: 'password-2' } });
    expect(change.status).toBe(429);
    // Routes without the limit still answer.
    expect((await api.get('/users', { token })).status).toBe(200);
  });
});

describe('brute force: the rate limit counts only its routes', () => {
  const api = useTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '5', LOGIN_MAX_FAILURES: '100' });

  it('spends nothing of the budget on routes without @RateLimited()', async () => {
    const { token } = await api.register();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await api.get('/users', { token })).status);
    // The sign-up spent one of 5: four logins still get their 401, not 429.
    for (let i = 0; i < 4; i++) statuses.push((await api.post('/auth/login', { body: { email: 'a@example.com', password: 'whatever-1' } })).status);
    expect(statuses).toEqual([...Array(10).fill(200), 401, 401, 401, 401]);
  });
});

describe('brute force: locking an account after failed logins', () => {
  const api = useTestApp({ LOGIN_MAX_FAILURES: '3', LOCKOUT_MINUTES: '1' });

  async function fail(email: string, times: number) {
    const codes: string[] = [];
    for (let i = 0; i < times; i++) {
      codes.push((await api.post('/auth/login', { body: { email, password: 'not-the-password' } })).body.code);
    }
    return codes;
  }

  it('locks after LOGIN_MAX_FAILURES in a row; the right password is refused meanwhile', async () => {
    const { user, password } = await api.register();
    expect(await fail(user.email, 3)).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS']);
    const locked = await api.post('/auth/login', { body: { email: user.email, password } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    // The lock is the name's (so that it answers alike whether an account has it): the
    // username counts on its own, and the right password there lifts the email's lock too.
    expect((await api.post('/auth/login', { body: { username: user.username, password } })).status).toBe(200);
    expect(await api.login(user.email, password)).toEqual(expect.any(String));
  });

  it('counts failures in a row only: a good login starts again', async () => {
    const { user, password } = await api.register();
    await fail(user.email, 2);
    await api.login(user.email, password);
    expect(await fail(user.email, 2)).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS']);
    expect(await api.login(user.email, password)).toEqual(expect.any(String));
  });

  it.each([
    ['an email', (user: { email: string }) => ({ email: user.email }), () => ({ email: uniqueEmail('nobody') })],
    ['a username', (user: { username: string }) => ({ username: user.username }), () => ({ username: `nobody_${randomSuffix()}` })],
  ])('locks %s no account has alike, so a lock tells nothing', async (_name, existingName, unknownName) => {
    const { user, password } = await api.register();
    const unknown = unknownName();
    // Wrong passwords up to the lock and past it, then the right one (only the owner knows it).
    const passwords = ['not-the-password', 'not-the-password', 'not-the-password', 'not-the-password', password];
    const codes: string[] = [];
    // Request by request, the existing account then the unknown name, so that both locks run together.
    for (const [i, attempt] of passwords.entries()) {
      const existing = await api.post('/auth/login', { body: { ...existingName(user), password: attempt } });
      const other = await api.post('/auth/login', { body: { ...unknown, password: attempt } });
      expectAnsweredAlike(existing, other, i);
      codes.push(existing.body.code);
    }
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
  });

  it('is lifted when an administrator re-enables the account', async () => {
    const { user, password } = await api.register();
    await fail(user.email, 3);
    const admin = await api.login(ADMIN.email, ADMIN.password);
    expect((await api.put(`/api/users/${user.id}`, { token: admin, body: { is_active: true } })).status).toBe(200);
    expect(await api.login(user.email, password)).toEqual(expect.any(String));
  });
});
