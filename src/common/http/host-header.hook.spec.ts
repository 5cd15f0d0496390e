import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../problems/error-code.enum';
import { requireHostHeader } from './host-header.hook';
import { ProblemException } from '../problems/problem.exception';

/** What the hook hands to `done`: nothing, or the error the request is refused with. */
function run(httpVersion: string, headers: Record<string, string>): unknown {
  let result: unknown = 'not called';
  const request = { headers, raw: { httpVersion } } as unknown as FastifyRequest;
  requireHostHeader.call(undefined as never, request, {} as FastifyReply, (error?: unknown) => (result = error));
  return result;
}

describe('requireHostHeader', () => {
  it('refuses an HTTP/1.1 request without Host with 400', () => {
    const error = run('1.1', {});
    expect(error).toBeInstanceOf(ProblemException);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, detail: 'An HTTP/1.1 request must have a Host header.' });
    expect((error as ProblemException).getStatus()).toBe(400);
  });

  it('lets an HTTP/1.1 request with Host through, and HTTP/1.0, which needs none', () => {
    expect(run('1.1', { host: 'accounts.example.com' })).toBeUndefined();
    expect(run('1.0', {})).toBeUndefined();
  });
});
