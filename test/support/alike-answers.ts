import type { ApiResponse } from './api-client';

/** What a client can compare of an answer: status, body (the seconds in its detail aside) and Retry-After. */
function observed(response: ApiResponse) {
  return {
    status: response.status,
    body: { ...response.body, detail: String(response.body?.detail).replace(/\d+/g, 'N') },
    retryAfter: response.headers.get('retry-after'),
  };
}

/**
 * A lockout must not tell whether an account has the name it locks: the answers to the
 * `request`th login for an existing account and for a name no account has must be alike to a
 * client. Their Retry-After may differ by a second, as the seconds left may cross one between
 * the two requests.
 */
export function expectAnsweredAlike(existing: ApiResponse, other: ApiResponse, request: number): void {
  const [mine, theirs] = [observed(existing), observed(other)];
  expect(Math.abs(Number(mine.retryAfter ?? 0) - Number(theirs.retryAfter ?? 0))).toBeLessThanOrEqual(1);
  const same = (answer: typeof mine) => ({ request, ...answer, retryAfter: answer.retryAfter !== null });
  expect(same(mine)).toEqual(same(theirs));
}
