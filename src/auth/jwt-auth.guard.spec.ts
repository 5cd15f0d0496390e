import { Controller, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { createHmac, randomUUID } from 'node:crypto';
import { bearerChallenge } from '../common/problems/bearer-challenge';
import { ErrorCode } from '../common/problems/error-code.enum';
import { ProblemException } from '../common/problems/problem.exception';
import { Public } from '../access/public.decorator';
import { AppConfig } from '../config/app-config';
import type { AuthenticatedRequest } from '../access/authenticated-user';
import { accessTokenJwtOptions } from './tokens/access-token.module';
import { JwtAuthGuard } from './jwt-auth.guard';
import type { SessionActivity } from './sessions/session-activity';
import { JwtStrategy } from './tokens/jwt.strategy';

const SID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';
const CALLER = { id: 12, sessionId: SID };
const claims = { sub: '12', sid: SID };
const SECRET = 'k'.repeat(48);
const RIGHT = { issuer: 'user-accounts', audience: 'user-accounts' };

@Controller()
class GuardedController {
  handler(): void {}
}

@Public()
class PublicController {
  handler(): void {}
}

function contextOf(request: object, controller: { prototype: { handler(): void } } = GuardedController): ExecutionContext {
  return {
    getHandler: () => controller.prototype.handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

/** A configuration, with the strategy made from it registered with passport (as Nest does at start). */
function registered(env: Record<string, string> = {}): { config: AppConfig; jwt: JwtService } {
  const config = AppConfig.fromEnvironment({ JWT_SECRET: SECRET, ...env });
  new JwtStrategy(config);
  // The signer SessionsService uses: HS256, and the configured iss and aud.
  return { config, jwt: new JwtService(accessTokenJwtOptions(config)) };
}

const guard = new JwtAuthGuard(
  new Reflector(),
  { touch: () => undefined } as unknown as SessionActivity,
  AppConfig.fromEnvironment({ JWT_SECRET: SECRET }),
);
const requestWith = (token: string): AuthenticatedRequest =>
  ({ headers: { authorization: `Bearer ${token}` } }) as AuthenticatedRequest;

/** The caller the guard admits on a guarded route, or undefined when it refuses with 401. */
async function callerOf(token: string) {
  const request = requestWith(token);
  try {
    expect(await guard.canActivate(contextOf(request))).toBe(true);
    return request.user;
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).getStatus()).toBe(401);
    return undefined;
  }
}

describe('JwtAuthGuard with JwtStrategy', () => {
  const { config, jwt } = registered();
  beforeEach(() => registered());

  /** Signed with the key and HS256, with only the iss and aud given (none by default). */
  const signedWith = (options: { issuer?: string; audience?: string | string[] }) =>
    new JwtService({ secret: config.jwt.key as unknown as Buffer }).sign(claims, {
      algorithm: 'HS256',
      expiresIn: 60,
      ...options,
    });

  it('admits the caller of a token signed with the key, HS256, unexpired, with the right iss and aud', async () => {
    const token = jwt.sign(claims, { expiresIn: 60, jwtid: randomUUID() });
    expect(jwt.decode(token)).toMatchObject({ iss: 'user-accounts', aud: 'user-accounts' });
    expect(await callerOf(token)).toEqual(CALLER);
    // The control for the iss and aud refusals below: the same signer, the right claims.
    expect(await callerOf(signedWith(RIGHT))).toEqual(CALLER);
  });

  it('refuses an expired token, another key, another algorithm, alg none, and a malformed one', async () => {
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 });
    const otherKey = new JwtService({ secret: 'o'.repeat(48) }).sign(claims, { algorithm: 'HS256', expiresIn: 60, ...RIGHT });
    const hs512 = jwt.sign(claims, { algorithm: 'HS512', expiresIn: 60 });
    const [header, payload] = jwt.sign(claims, { expiresIn: 60 }).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const token of [expired, otherKey, hs512, none, `${header}.${payload}.`, 'not.a.token']) {
      expect([token, await callerOf(token)]).toEqual([token, undefined]);
    }
  });

  it.each([
    ['without iss', { audience: RIGHT.audience }],
    ['with another iss', { ...RIGHT, issuer: 'another-service' }],
    ['with the iss in another case', { ...RIGHT, issuer: 'User-Accounts' }],
    ['without aud', { issuer: RIGHT.issuer }],
    ['with another aud', { ...RIGHT, audience: 'another-api' }],
    ['with only other auds', { ...RIGHT, audience: ['another-api', 'user-accounts-admin'] }],
    ['without iss and aud', {}],
  ])('refuses a token signed with the key %s', async (_label, options) => {
    expect(await callerOf(signedWith(options))).toBeUndefined();
  });

  it('requires the configured iss and aud, not the defaults', async () => {
    const other = jwt.sign(claims, { expiresIn: 60 });
    const custom = registered({ JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'shop' });
    const own = custom.jwt.sign(claims, { expiresIn: 60 });
    expect(jwt.decode(own)).toMatchObject({ iss: 'https://id.example.com', aud: 'shop' });
    expect(await callerOf(own)).toEqual(CALLER);
    // Same key, default iss and aud: a token for the other deployment.
    expect(await callerOf(other)).toBeUndefined();
  });

  it.each(['null', '"12"', '12', '["12"]'])('refuses a token signed with the key whose payload is %s, not an object', async (payload) => {
    const part = (text: string) => Buffer.from(text).toString('base64url');
    const signed = `${part('{"alg":"HS256","typ":"JWT"}')}.${part(payload)}`;
    const signature = createHmac('sha256', config.jwt.key).update(signed).digest('base64url');
    expect(await callerOf(`${signed}.${signature}`)).toBeUndefined();
  });

  it('refuses a signed token that lacks a claim it needs (validate)', async () => {
    expect(await callerOf(jwt.sign({ sub: '12' }, { expiresIn: 60 }))).toBeUndefined();
    expect(await callerOf(jwt.sign(claims))).toBeUndefined();
  });

  it('marks the request as needing a bearer token: a later 401 of the route challenges too', async () => {
    const request = requestWith(jwt.sign(claims, { expiresIn: 60 }));
    await guard.canActivate(contextOf(request));
    expect(request.user).toEqual(CALLER);
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer error="invalid_token"');
  });

  describe('with the verified tokens remembered', () => {
    afterEach(() => jest.useRealTimers());

    it('still refuses a remembered token once it expires', async () => {
      jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
      const token = jwt.sign(claims, { expiresIn: 60 });
      expect(await callerOf(token)).toEqual(CALLER);
      expect(await callerOf(token)).toEqual(CALLER);
      jest.setSystemTime(Date.now() + 61_000);
      expect(await callerOf(token)).toBeUndefined();
    });

    it('does not take a remembered token for another with its claims and a forged signature', async () => {
      const token = jwt.sign(claims, { expiresIn: 60 });
      expect(await callerOf(token)).toEqual(CALLER);
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${createHmac('sha256', 'another key').update(`${header}.${payload}`).digest('base64url')}`;
      expect(await callerOf(forged)).toBeUndefined();
    });
  });

  it('marks the request before it refuses it with 401, for no token too', async () => {
    const request = { headers: {} } as AuthenticatedRequest;
    await expect(guard.canActivate(contextOf(request))).rejects.toThrow(ProblemException);
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer');
  });

  describe('on a @Public() route', () => {
    it('lets a request without a valid token through, unmarked: its route answers no bearer challenge', async () => {
      for (const request of [requestWith('a.b.c'), { headers: {} } as AuthenticatedRequest]) {
        expect(await guard.canActivate(contextOf(request, PublicController))).toBe(true);
        expect(request.user).toBeUndefined();
        expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBeUndefined();
      }
    });

    it('still names the caller of a valid token (POST /auth/logout)', async () => {
      const request = requestWith(jwt.sign(claims, { expiresIn: 60 }));
      expect(await guard.canActivate(contextOf(request, PublicController))).toBe(true);
      expect(request.user).toEqual(CALLER);
    });
  });
});
