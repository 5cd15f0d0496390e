import type { OpenAPIObject } from '@nestjs/swagger';
import { completeContract } from './complete-contract';
import { PUBLIC_MARK, RATE_LIMITED_MARK } from './operation-marks';

const problem = (code: string) => ({
  description: code,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDto' }, examples: { [code]: { value: {} } } } },
});

function document(paths: OpenAPIObject['paths']): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    components: {
      schemas: {
        UserView: { type: 'object', properties: { role: { allOf: [{ $ref: '#/components/schemas/Role' }] } } },
        LoginDto: { type: 'object', properties: { email: { type: 'string' } } },
      },
    },
  };
}

const user = { description: 'user', content: { 'application/json': { schema: { $ref: '#/components/schemas/UserView' } } } };

describe('completeContract', () => {
  it('gives a public route no security, a public route that takes a bearer either, and refuses a route with neither', () => {
    const done = completeContract(
      document({
        '/login': { post: { [PUBLIC_MARK]: true, responses: { 200: { description: 'ok' } } } as never },
        '/logout': { post: { [PUBLIC_MARK]: true, security: [{ bearer: [] }], responses: { 204: { description: 'ok' } } } as never },
        '/users': { get: { security: [{ bearer: [] }], responses: { 200: user } } },
      }),
    );
    expect(done.paths['/login'].post!.security).toEqual([]);
    expect(done.paths['/logout'].post!.security).toEqual([{ bearer: [] }, {}]);
    expect(done.paths['/users'].get!.security).toEqual([{ bearer: [] }]);
    expect(PUBLIC_MARK in done.paths['/login'].post!).toBe(false);
    expect(() => completeContract(document({ '/x': { get: { responses: { 200: user } } } }))).toThrow(/GET \/x is neither/);
  });

  it('declares 415 on every operation and 413 on all but GETs', () => {
    const done = completeContract(
      document({
        '/users': {
          get: { security: [{ bearer: [] }], responses: { 200: user } },
          delete: { security: [{ bearer: [] }], responses: { 204: { description: 'ok' } } },
        },
      }),
    );
    expect(Object.keys(done.paths['/users'].get!.responses)).toEqual(['200', '415']);
    expect(Object.keys(done.paths['/users'].delete!.responses)).toEqual(['204', '413', '415']);
  });

  it('declares the headers of each status, without one route\'s reaching another through a shared response', () => {
    const shared = problem('SERVICE_UNAVAILABLE');
    const done = completeContract(
      document({
        '/users': { get: { security: [{ bearer: [] }], responses: { 200: user, 401: problem('UNAUTHORIZED'), 503: shared } } },
        '/login': {
          post: { [PUBLIC_MARK]: true, [RATE_LIMITED_MARK]: true, responses: { 200: { description: 'tokens' }, 401: problem('INVALID_CREDENTIALS'), 429: problem('RATE_LIMITED'), 503: shared } } as never,
        },
      }),
    );
    const users = done.paths['/users'].get!.responses as Record<string, { headers: Record<string, unknown> }>;
    const login = done.paths['/login'].post!.responses as Record<string, { headers: Record<string, unknown> }>;
    expect(Object.keys(users[200].headers)).toEqual(['X-Request-Id', 'Cache-Control', 'ETag']);
    expect(Object.keys(users[401].headers)).toEqual(['X-Request-Id', 'Cache-Control', 'Content-Language', 'Vary', 'WWW-Authenticate']);
    expect(Object.keys(users[503].headers)).toEqual(['X-Request-Id', 'Cache-Control', 'Content-Language', 'Vary']);
    expect(users[503].headers.Vary).toEqual({ $ref: '#/components/headers/Vary' });
    expect(done.components!.headers!.Vary).toMatchObject({ required: false });
    expect(Object.keys(login[200].headers)).toEqual(['X-Request-Id', 'Cache-Control', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']);
    expect(login[200].headers['X-RateLimit-Limit']).toEqual({ $ref: '#/components/headers/X-RateLimit-Limit' });
    // An error may have come before the rate limit counted it: optional there.
    expect(login[401].headers['X-RateLimit-Limit']).toMatchObject({ required: false });
    expect(login[401].headers).not.toHaveProperty('WWW-Authenticate');
    expect(login[429].headers).toHaveProperty('Retry-After', { $ref: '#/components/headers/Retry-After' });
    expect(login[415].headers).not.toHaveProperty('X-RateLimit-Limit');
    expect(done.components!.headers).toHaveProperty('X-Request-Id');
  });

  it('refuses unknown fields in request bodies and unwraps a lone allOf', () => {
    const done = completeContract(
      document({
        '/login': {
          post: {
            [PUBLIC_MARK]: true,
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/LoginDto' } } } },
            responses: { 200: { description: 'ok' } },
          } as never,
        },
      }),
    );
    expect(done.components!.schemas!.LoginDto).toMatchObject({ additionalProperties: false });
    expect(done.components!.schemas!.UserView).toMatchObject({ properties: { role: { $ref: '#/components/schemas/Role' } } });
    expect(done.components!.schemas!.UserView).not.toHaveProperty('additionalProperties');
  });
});
