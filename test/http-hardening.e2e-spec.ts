import type { ApiClient } from './support/api-client';
import { useTestApp } from './support/test-app';

const ALLOWED = 'https://app.example.com';

/** A failed login from a client at `address`, as X-Forwarded-For names it. */
const loginFrom = (api: ApiClient, address: string) =>
  api.post('/auth/login', {
    headers: { 'x-forwarded-for': address },
    body: { email: 'nobody@example.com', password: 'password-1' },
  });

describe('HTTP hardening: security headers, CORS, request ids, trusted proxies', () => {
  const api = useTestApp({
    CORS_ORIGINS: `${ALLOWED}, https://admin.example.com`,
    TRUST_PROXY: '127.0.0.1',
    RATE_LIMIT_AUTH_PER_MINUTE: '2',
  });

  it('sends security headers, and keeps Swagger UI working under its policy', async () => {
    const response = await api.get('/health');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const csp = (await api.get('/docs')).headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const page = await api.get('/docs');
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map(([, src]) => src);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      // Resolved the way a browser resolves it on the page /docs.
      const path = new URL(src, `${api.baseUrl}/docs`).pathname;
      expect([path, (await api.get(path)).status]).toEqual([path, 200]);
    }
  });

  it('sends the same security headers on refusals: 415 before parsing, malformed JSON, 401, 404', async () => {
    const refusals = [
      await api.request('PUT', '/users', { headers: { 'content-type': 'text/plain' }, body: 'x' }),
      await api.request('POST', '/auth/login', { headers: { 'content-type': 'application/json' }, body: '{"email":' }),
      await api.get('/users'),
      await api.get('/no-such-route'),
    ];
    expect(refusals.map((response) => response.status)).toEqual([415, 400, 401, 404]);
    for (const response of refusals) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers a preflight from an allowed origin, exposing ETag, Retry-After and X-Request-Id', async () => {
    const preflight = await api.request('OPTIONS', '/users', {
      headers: { origin: ALLOWED, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type,if-match' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    const simple = await api.get('/health', { headers: { origin: ALLOWED } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(simple.headers.get('access-control-expose-headers')).toMatch(/ETag.*Retry-After.*X-Request-Id/);
  });

  it('gives no CORS grant to another origin', async () => {
    const response = await api.get('/health', { headers: { origin: 'https://evil.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps a sane incoming X-Request-Id and makes one otherwise', async () => {
    expect((await api.get('/health', { headers: { 'x-request-id': 'trace-42.a' } })).headers.get('x-request-id')).toBe('trace-42.a');
    const made = (await api.get('/health', { headers: { 'x-request-id': 'bad id\twith spaces' } })).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.get('/no-such-route')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts the rate limit per client address as the trusted proxy reports it', async () => {
    expect((await loginFrom(api, '203.0.113.1')).status).toBe(401);
    expect((await loginFrom(api, '203.0.113.1')).status).toBe(401);
    expect((await loginFrom(api, '203.0.113.1')).status).toBe(429);
    expect((await loginFrom(api, '203.0.113.2')).status).toBe(401);
  });
});

describe('without a trusted proxy', () => {
  const api = useTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '2' });

  it('ignores X-Forwarded-For: a client cannot pick a fresh address per request', async () => {
    expect((await loginFrom(api, '198.51.100.1')).status).toBe(401);
    expect((await loginFrom(api, '198.51.100.2')).status).toBe(401);
    expect((await loginFrom(api, '198.51.100.3')).status).toBe(429);
  });
});
