import { Controller, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearerChallenge } from '../common/bearer-challenge';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';
import { AccessTokenService } from './access-token.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { Public } from '../common/public.decorator';

const CALLER = { id: 12, sessionId: '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f' };

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
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const tokensNaming = (caller: typeof CALLER | undefined) =>
  ({ callerOf: () => caller }) as unknown as AccessTokenService;

const guardNaming = (caller: typeof CALLER | undefined) => new JwtAuthGuard(tokensNaming(caller), new Reflector());

describe('JwtAuthGuard', () => {
  it('admits the caller the token names and marks the request as needing a bearer token', () => {
    const request = { headers: { authorization: 'Bearer a.b.c' } };
    expect(guardNaming(CALLER).canActivate(contextOf(request))).toBe(true);
    expect(request).toMatchObject({ user: CALLER });
    // A later 401 of the route (a closed session) challenges too.
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer error="invalid_token"');
  });

  it('marks the request before it refuses it with 401', () => {
    const request = { headers: {} };
    expect(() => guardNaming(undefined).canActivate(contextOf(request))).toThrow(ProblemException);
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer');
  });
});

describe('JwtAuthGuard on a @Public() route', () => {
  it('lets a request without a valid token through, unmarked: its route answers no bearer challenge', () => {
    const request = { headers: { authorization: 'Bearer a.b.c' } };
    expect(guardNaming(undefined).canActivate(contextOf(request, PublicController))).toBe(true);
    expect(request).toMatchObject({ user: undefined });
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBeUndefined();
  });

  it('still names the caller of a valid token (POST /auth/logout)', () => {
    const request = { headers: { authorization: 'Bearer a.b.c' } };
    expect(guardNaming(CALLER).canActivate(contextOf(request, PublicController))).toBe(true);
    expect(request).toMatchObject({ user: CALLER });
  });
});
