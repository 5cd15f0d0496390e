import { ErrorCode } from '../common/error-code.enum';
import { problemFrom } from '../../test/support/problem-from';
import { assertStrongPassword, weakPasswordReason } from './password-policy';

const ACCOUNT = { email: 'jane.doe@example.com', username: 'janedoe_123' };

describe('weakPasswordReason', () => {
  it.each(['password', '12345678', 'PASSWORD1', 'qwertyuiop', 'iloveyou', 'sunshine'])('refuses the common password %p', (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toMatch(/most common/);
  });

  it.each(['        ', 'aaaaaaaa', '🙂🙂🙂🙂'])('refuses one character repeated: %p', (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toMatch(/repeats/);
  });

  it.each(['jane.doe@example.com', 'JANEDOE_123', 'janedoe_123'])('refuses the account\'s own email or username: %p', (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toMatch(/email or username/);
  });

  it.each(['correct-horse-battery', 'Tr0ub4dor&3 staple', 'zxq-81-lemon-vault'])('takes an uncommon password: %p', (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toBeUndefined();
  });

  it('answers 400 WEAK_PASSWORD naming the field', async () => {
    const problem = await problemFrom(Promise.resolve().then(() => assertStrongPassword('password', ACCOUNT, 'new_password')));
    expect([problem.getStatus(), problem.code, problem.errors]).toEqual([
      400,
      ErrorCode.WEAK_PASSWORD,
      [{ field: 'new_password', message: expect.stringMatching(/most common/) }],
    ]);
  });
});
