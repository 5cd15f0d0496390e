import { ExecutionContext } from '@nestjs/common';
import { bearerChallenge } from '../common/bearer-challenge';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';
import { AccessTokenService } from './access-token.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { OptionalJwtAuthGuard } from './optional-jwt-auth.guard';

const CALLER = { id: 12, sessionId: '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f' };

function contextOf(request: object): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

const tokensNaming = (caller: typeof CALLER | undefined) =>
  ({ callerOf: () => caller }) as unknown as AccessTokenService;

describe('JwtAuthGuard', () => {
  it('admits the caller the token names and marks the request as needing a bearer token', () => {
    const request = { headers: { authorization: 'Bearer a.b.c' } };
    expect(new JwtAuthGuard(tokensNaming(CALLER)).canActivate(contextOf(request))).toBe(true);
    expect(request).toMatchObject({ user: CALLER });
    // A later 401 of the route (a closed session) challenges too.
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer error="invalid_token"');
  });

  it('marks the request before it refuses it with 401', () => {
    const request = { headers: {} };
    expect(() => new JwtAuthGuard(tokensNaming(undefined)).canActivate(contextOf(request))).toThrow(ProblemException);
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBe('Bearer');
  });
});

describe('OptionalJwtAuthGuard', () => {
  it('leaves the request unmarked: its route answers no bearer challenge', () => {
    const request = { headers: { authorization: 'Bearer a.b.c' } };
    expect(new OptionalJwtAuthGuard(tokensNaming(undefined)).canActivate(contextOf(request))).toBe(true);
    expect(bearerChallenge(request, ErrorCode.UNAUTHORIZED)).toBeUndefined();
  });
});
