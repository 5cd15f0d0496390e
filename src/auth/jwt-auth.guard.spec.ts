import { Controller, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHmac, generateKeyPairSync, KeyObject, sign as signBytes } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { bearerChallenge } from '../common/problems/bearer-challenge';
import { ErrorCode } from '../common/problems/error-code.enum';
import { ProblemException } from '../common/problems/problem.exception';
import { Public } from '../access/public.decorator';
import { AppConfig } from '../config/app-config';
import type { AuthenticatedRequest } from '../access/authenticated-user';
import { SigningKeysRepository } from './keys/signing-keys.repository';
import { SigningKeysService } from './keys/signing-keys.service';
import { AccessTokensService } from './tokens/access-tokens.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import type { SessionActivity } from './sessions/session-activity';
import { JwtStrategy } from './tokens/jwt.strategy';

const SID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';
const CALLER = { id: 12, sessionId: SID };
const claims = { sub: '12', sid: SID };
const { privateKey: KEY } = generateKeyPairSync('ed25519');
const KEYS = JSON.stringify([{ ...KEY.export({ format: 'jwk' }), kid: 'k1' }]);
const RIGHT = { iss: 'user-accounts', aud: 'user-accounts' };
const now = () => Math.floor(Date.now() / 1000);

/** `payload` signed as given (EdDSA under the configured key by default): nothing added. */
function signed(payload: Record<string, unknown>, { alg = 'EdDSA', kid = 'k1', key = KEY as KeyObject | Uint8Array } = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, kid }).sign(key);
}

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
async function registered(env: Record<string, string> = {}): Promise<{ config: AppConfig; tokens: AccessTokensService }> {
  const config = AppConfig.fromEnvironment({ JWT_PRIVATE_KEYS: KEYS, ...env });
  // Configured keys: the repository is never asked.
  const keys = new SigningKeysService(config, {} as SigningKeysRepository);
  await keys.onModuleInit();
  const tokens = new AccessTokensService(keys, config);
  new JwtStrategy(tokens, keys);
  // The signer SessionsService uses: the configured key, iss and aud.
  return { config, tokens };
}

const guard = new JwtAuthGuard(
  new Reflector(),
  { touch: () => undefined } as unknown as SessionActivity,
  AppConfig.fromEnvironment({ JWT_PRIVATE_KEYS: KEYS }),
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
  let tokens: AccessTokensService;
  beforeEach(async () => ({ tokens } = await registered()));
  const sign = (payload: object = claims) => tokens.sign(payload as never);

  it('admits the caller of a token signed with the key, EdDSA, its kid, unexpired, with the right iss and aud', async () => {
    const token = await sign();
    expect(decodeJwt(token)).toMatchObject({ iss: 'user-accounts', aud: 'user-accounts' });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' });
    expect(await callerOf(token)).toEqual(CALLER);
    // The control for the iss and aud refusals below: the same key, the right claims.
    expect(await callerOf(await signed({ ...claims, ...RIGHT, iat: now(), exp: now() + 60 }))).toEqual(CALLER);
  });

  it('refuses an expired token, another key, another kid, another algorithm, alg none, and a malformed one', async () => {
    const right = { ...claims, ...RIGHT, iat: now(), exp: now() + 60 };
    const expired = await signed({ ...right, exp: now() - 1 });
    const otherKey = await signed(right, { key: generateKeyPairSync('ed25519').privateKey });
    const otherKid = await signed(right, { kid: 'k2' });
    const noKid = await new SignJWT(right).setProtectedHeader({ alg: 'EdDSA' }).sign(KEY);
    // Key confusion: HS256 keyed with the public key's bytes.
    const publicBytes = new TextEncoder().encode(JSON.stringify(KEY.export({ format: 'jwk' }).x));
    const confused = await signed(right, { alg: 'HS256', key: publicBytes });
    const [header, payload] = (await sign()).split('.');
    const none = `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${payload}.`;
    for (const token of [expired, otherKey, otherKid, noKid, confused, none, `${header}.${payload}.`, 'not.a.token']) {
      expect([token, await callerOf(token)]).toEqual([token, undefined]);
    }
  });

  it.each([
    ['without iss', { aud: RIGHT.aud }],
    ['with another iss', { ...RIGHT, iss: 'another-service' }],
    ['with the iss in another case', { ...RIGHT, iss: 'User-Accounts' }],
    ['without aud', { iss: RIGHT.iss }],
    ['with another aud', { ...RIGHT, aud: 'another-api' }],
    ['with only other auds', { ...RIGHT, aud: ['another-api', 'user-accounts-admin'] }],
    ['without iss and aud', {}],
  ])('refuses a token signed with the key %s', async (_label, options) => {
    expect(await callerOf(await signed({ ...claims, ...options, iat: now(), exp: now() + 60 }))).toBeUndefined();
  });

  it('requires the configured iss and aud, not the defaults', async () => {
    const other = await sign();
    const custom = await registered({ JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'shop' });
    const own = await custom.tokens.sign(claims as never);
    expect(decodeJwt(own)).toMatchObject({ iss: 'https://id.example.com', aud: 'shop' });
    expect(await callerOf(own)).toEqual(CALLER);
    // Same key, default iss and aud: a token for the other deployment.
    expect(await callerOf(other)).toBeUndefined();
  });

  it.each(['null', '"12"', '12', '["12"]'])('refuses a token signed with the key whose payload is %s, not an object', async (payload) => {
    const part = (text: string) => Buffer.from(text).toString('base64url');
    const input = `${part('{"alg":"EdDSA","kid":"k1"}')}.${part(payload)}`;
    const signature = signBytes(null, Buffer.from(input), KEY).toString('base64url');
    expect(await callerOf(`${input}.${signature}`)).toBeUndefined();
  });

  it('refuses a signed token that lacks a claim it needs (validate), or exp or iat', async () => {
    expect(await callerOf(await sign({ sub: '12' }))).toBeUndefined();
    expect(await callerOf(await signed({ ...claims, ...RIGHT, iat: now() }))).toBeUndefined();
    expect(await callerOf(await signed({ ...claims, ...RIGHT, exp: now() + 60 }))).toBeUndefined();
  });

  it('with JWT_ALGORITHM HS256, admits HS256 under JWT_SECRET only, and refuses the EdDSA key', async () => {
    const secret = 's'.repeat(48);
    const hs = await registered({ JWT_ALGORITHM: 'HS256', JWT_SECRET: secret, JWT_PRIVATE_KEYS: '' });
    const token = await hs.tokens.sign(claims as never);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(await callerOf(token)).toEqual(CALLER);
    expect(await callerOf(await signed({ ...claims, ...RIGHT, iat: now(), exp: now() + 60 }))).toBeUndefined();
    const hs512 = await signed({ ...claims, ...RIGHT, iat: now(), exp: now() + 60 }, { alg: 'HS512', key: new TextEncoder().encode(secret) });
    expect(await callerOf(hs512)).toBeUndefined();
  });

  it('marks the request as needing a bearer token: a later 401 of the route challenges too', async () => {
    const request = requestWith(await sign());
    await guard.canActivate(contextOf(request));
    expect(request.user).toEqual(CALLER);
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer error="invalid_token"');
  });

  describe('with the verified tokens remembered', () => {
    afterEach(() => jest.useRealTimers());

    it('still refuses a remembered token once it expires', async () => {
      jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
      const token = await signed({ ...claims, ...RIGHT, iat: now(), exp: now() + 60 });
      expect(await callerOf(token)).toEqual(CALLER);
      expect(await callerOf(token)).toEqual(CALLER);
      jest.setSystemTime(Date.now() + 61_000);
      expect(await callerOf(token)).toBeUndefined();
    });

    it('does not take a remembered token for another with its claims and a forged signature', async () => {
      const token = await sign();
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
      const request = requestWith(await sign());
      expect(await guard.canActivate(contextOf(request, PublicController))).toBe(true);
      expect(request.user).toEqual(CALLER);
    });
  });
});
