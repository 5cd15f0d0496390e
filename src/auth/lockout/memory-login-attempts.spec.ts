import { ATTEMPTS_CONFIG, behavesAsLoginAttempts } from '../../../test/support/login-attempts-behaviour';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problemFrom } from '../../../test/support/problem-from';
import { PENDING_MS } from './login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';

describe('MemoryLoginAttempts', () => {
  behavesAsLoginAttempts(() => new MemoryLoginAttempts(ATTEMPTS_CONFIG));

  it('gives back the places of attempts that never ended (their process died) after PENDING_MS', async () => {
    let now = Date.UTC(2030, 0, 1);
    const attempts = new MemoryLoginAttempts(ATTEMPTS_CONFIG, () => now);
    // Three attempts under way fill the address's count; none ends.
    for (let i = 0; i < 3; i++) await attempts.begin(['jane'], '198.51.100.1');
    now += PENDING_MS;
    const attempt = await attempts.begin(['jane'], '198.51.100.1');
    await attempt.failed();
  });

  it('refuses an attempt that waited for others under way too long, as too many at once, without a lock', async () => {
    const attempts = new MemoryLoginAttempts(ATTEMPTS_CONFIG);
    for (let i = 0; i < 3; i++) await attempts.begin(['jane'], '198.51.100.1');
    const refused = await problemFrom(attempts.begin(['jane'], '198.51.100.1'));
    expect([refused.getStatus(), refused.code, refused.headers]).toEqual([429, ErrorCode.RATE_LIMITED, { 'Retry-After': '1' }]);
  }, 10_000);
});
