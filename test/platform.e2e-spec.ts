import { contractViolation } from './support/contract';
import { useTestApp } from './support/test-app';

describe('health and documentation', () => {
  const api = useTestApp();

  it('answers GET /health and GET /health/ready', async () => {
    expect(await api.get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.get('/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await api.get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.text).toContain('swagger-ui');
    const script = await api.get('/docs/swagger-ui-bundle.js');
    expect(script.status).toBe(200);
  });

  describe('the OpenAPI document at /docs-json', () => {
    let document: any;
    beforeAll(async () => {
      const response = await api.get('/docs-json');
      expect(response.status).toBe(200);
      document = response.body;
    });

    const operations = [
      ['post', '/auth/register', [201, 400, 409, 429]],
      ['post', '/auth/login', [200, 400, 401, 429]],
      ['post', '/auth/refresh', [200, 401, 429]],
      ['post', '/auth/logout', [204, 401]],
      ['get', '/users', [200, 401]],
      ['put', '/users', [200, 400, 401, 409, 412]],
      ['post', '/users/password', [204, 400, 401, 429]],
      ['delete', '/users', [204, 400, 401]],
      ['get', '/api/users', [200, 400, 401, 403]],
      ['post', '/api/users', [201, 400, 401, 403, 409]],
      ['get', '/api/users/{id}', [200, 401, 403, 404]],
      ['put', '/api/users/{id}', [200, 400, 401, 403, 404, 409, 412]],
      ['delete', '/api/users/{id}', [204, 401, 403, 404]],
      ['put', '/users/avatar', [200, 400, 401, 413, 415, 429, 503]],
      ['delete', '/users/avatar', [200, 401]],
      ['put', '/api/users/{id}/avatar', [200, 400, 401, 403, 404, 413, 415, 429, 503]],
      ['delete', '/api/users/{id}/avatar', [200, 400, 401, 403, 404]],
      ['get', '/avatars/{name}', [200, 404]],
      ['get', '/users/sessions', [200, 401]],
      ['delete', '/users/sessions/{id}', [204, 400, 401, 404]],
      ['delete', '/users/sessions', [204, 401]],
      ['get', '/api/users/{id}/sessions', [200, 400, 401, 403, 404]],
      ['delete', '/api/users/{id}/sessions/{sid}', [204, 400, 401, 403, 404]],
      ['delete', '/api/users/{id}/sessions', [204, 400, 401, 403, 404]],
      ['get', '/users/activity', [200, 400, 401]],
      ['get', '/api/audit', [200, 400, 401, 403]],
      ['get', '/health', [200]],
      ['get', '/health/ready', [200, 503]],
    ] as const;

    it.each(operations)('documents %s %s with its statuses', (method, path, statuses) => {
      const operation = document.paths[path]?.[method];
      expect(operation).toBeDefined();
      expect(operation.operationId).toEqual(expect.any(String));
      expect(operation.summary).toEqual(expect.any(String));
      for (const status of statuses) expect(operation.responses[String(status)]).toBeDefined();
      for (const status of statuses.filter((s) => s >= 400)) {
        expect(operation.responses[String(status)].content['application/problem+json'].schema.$ref).toBe(
          '#/components/schemas/ProblemDetailsDto',
        );
      }
    });

    it('asks for a bearer token on the user and admin routes only, and says the others are public', () => {
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.paths['/users'].put.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/api/users/{id}'].put.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/auth/login'].post.security).toEqual([]);
      // Logout takes a bearer token, a refresh token in the body, or both.
      expect(document.paths['/auth/logout'].post.security).toEqual([{ bearer: [] }, {}]);
      expect(document.paths['/auth/logout'].post.requestBody.required).toBe(false);
    });

    it('carries the seeds’ examples and never a password in a response schema', () => {
      const examples = (path: string) =>
        document.paths[path].put.requestBody.content['application/json'].examples.seed.value;
      expect(examples('/users')).toEqual({ name: 'Jane Doe', email: 'jane.doe@example.com' });
      expect(examples('/api/users/{id}')).toMatchObject({ password_hash: 'newSecurePassword456', profileImage: expect.any(String) });
      const view = document.components.schemas.UserView.properties;
      expect(Object.keys(view).sort()).toEqual(
        ['created_at', 'email', 'email_verified', 'firstname', 'id', 'image_path', 'is_active', 'lastname', 'locale', 'mfa', 'name', 'pending_email', 'phone_number', 'role', 'updated_at', 'username'],
      );
    });
  });
});

describe('the contract check every end-to-end response goes through', () => {
  const user = {
    id: 1, email: 'a@example.com', username: 'abc', name: 'A', firstname: null, lastname: null, phone_number: null,
    image_path: 'p.jpg', role: 'USER', is_active: true, email_verified: false, pending_email: null, locale: 'en', mfa: { totp: false, passkeys: 0 }, created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z',
  };

  it('accepts a response that matches the document', () => {
    expect(contractViolation('GET', '/users', 200, 'application/json; charset=utf-8', user)).toBeUndefined();
    expect(contractViolation('GET', '/api/users/7?x=1', 200, 'application/json', user)).toBeUndefined();
  });

  it.each([
    ['a wrong type', { ...user, id: '1' }, 200, 'application/json'],
    ['a missing field', { ...user, email: undefined }, 200, 'application/json'],
    ['a role outside the enum', { ...user, role: 'ROOT' }, 200, 'application/json'],
    ['an undocumented status', user, 418, 'application/json'],
    ['a problem where the document has JSON', user, 200, 'application/problem+json'],
  ])('refuses %s', (_case, body, status, type) => {
    expect(contractViolation('GET', '/users', status, type, body)).toEqual(expect.any(String));
  });

  it('checks problems against the problem schema', () => {
    const problem = { type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'x', code: 'UNAUTHORIZED' };
    expect(contractViolation('GET', '/users', 401, 'application/problem+json', problem)).toBeUndefined();
    expect(contractViolation('GET', '/users', 401, 'application/problem+json', { ...problem, code: 'NOPE' })).toEqual(expect.any(String));
  });

  describe('headers', () => {
    const problem = { type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'x', code: 'UNAUTHORIZED' };
    const json = 'application/json';
    const problemJson = 'application/problem+json';

    it('accepts an answer with every header the document requires for its status, in any case', () => {
      const headers = new Headers({ ETag: '"1"', 'X-Request-Id': 'r-1', 'Cache-Control': 'no-store' });
      expect(contractViolation('GET', '/users', 200, json, user, headers)).toBeUndefined();
      expect(contractViolation('GET', '/users', 200, json, user, { etag: '"1"', 'x-request-id': 'r-1', 'cache-control': 'no-store' })).toBeUndefined();
      const challenged = new Headers({ 'WWW-Authenticate': 'Bearer', 'X-Request-Id': 'r-2', 'Content-Language': 'en', 'Cache-Control': 'no-store' });
      expect(contractViolation('GET', '/users', 401, problemJson, problem, challenged)).toBeUndefined();
    });

    it.each([
      ['the ETag of a user', 'GET', '/users', 200, json, user, { 'cache-control': 'no-store', 'x-request-id': 'r' }, 'ETag'],
      ['the X-Request-Id of any answer', 'GET', '/users', 200, json, user, { etag: '"1"', 'cache-control': 'no-store' }, 'X-Request-Id'],
      ['the Cache-Control of any answer', 'GET', '/users', 200, json, user, { etag: '"1"', 'x-request-id': 'r' }, 'Cache-Control'],
      ['the challenge of a bearer route\'s 401', 'GET', '/users', 401, problemJson, problem, { 'cache-control': 'no-store', 'x-request-id': 'r', 'content-language': 'en' }, 'WWW-Authenticate'],
      ['the Content-Language of a problem', 'GET', '/users', 401, problemJson, problem, { 'cache-control': 'no-store', 'x-request-id': 'r', 'www-authenticate': 'Bearer' }, 'Content-Language'],
      [
        'the Retry-After of a 429',
        'POST',
        '/auth/login',
        429,
        problemJson,
        { ...problem, status: 429, title: 'Too Many Requests', code: 'RATE_LIMITED' },
        { 'cache-control': 'no-store', 'x-request-id': 'r', 'content-language': 'en' },
        'Retry-After',
      ],
      [
        'the X-RateLimit-* of a rate-limited route\'s success',
        'POST',
        '/auth/password/forgot',
        202,
        null,
        undefined,
        { 'cache-control': 'no-store', 'x-request-id': 'r', 'x-ratelimit-limit': '5', 'x-ratelimit-reset': '60' },
        'X-RateLimit-Remaining',
      ],
    ])('refuses an answer without %s', (_case, method, path, status, type, body, headers, missing) => {
      expect(contractViolation(method, path, status, type, body, headers)).toMatch(new RegExp(`no .*\\b${missing}\\b.* header`));
    });

    it('lets a header go that the document declares but does not require', () => {
      // A 503 of an upload carries Retry-After with AVATAR_BUSY only; a login's 401 carries no challenge.
      const unavailable = { ...problem, status: 503, title: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE' };
      expect(contractViolation('PUT', '/users/avatar', 503, problemJson, unavailable, { 'cache-control': 'no-store', 'x-request-id': 'r', 'content-language': 'es' })).toBeUndefined();
      const wrong = { ...problem, code: 'INVALID_CREDENTIALS' };
      expect(contractViolation('POST', '/auth/login', 401, problemJson, wrong, { 'cache-control': 'no-store', 'x-request-id': 'r', 'content-language': 'en' })).toBeUndefined();
    });

    it('refuses a status the operation does not declare, headers or not', () => {
      expect(contractViolation('GET', '/health', 404, problemJson, problem, { 'x-request-id': 'r' })).toMatch(/no such status/);
    });
  });
});
