import { accountLocked } from './login-attempts';

describe('accountLocked', () => {
  it('answers 429 ACCOUNT_LOCKED with the seconds left as Retry-After and in the detail', () => {
    const problem = accountLocked(42);
    expect([problem.getStatus(), problem.code, problem.headers]).toEqual([429, 'ACCOUNT_LOCKED', { 'Retry-After': '42' }]);
    expect(problem.detail).toContain('42 more seconds');
  });
});
