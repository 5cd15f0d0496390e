import { ErrorCode } from '../common/problems/error-code.enum';
import { problemFrom } from '../../test/support/problem-from';
import { render } from '../i18n/translator';
import * as passwordPolicy from './password-policy';
import { assertStrongPassword } from './password-policy';

/** The reason as an English answer says it. */
const weakPasswordReason = (password: string, account: { email?: string; username?: string }) => {
  const reason = passwordPolicy.weakPasswordReason(password, account);
  return reason && render('en', reason);
};

const ACCOUNT = { email: 'jane.doe@example.com', username: 'janedoe_123' };
const GUESSABLE = /too easy to guess/;

describe('weakPasswordReason', () => {
  it.each(['password', '12345678', 'PASSWORD1', 'qwertyuiop', 'iloveyou', 'sunshine'])('refuses the common password %p', (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toMatch(GUESSABLE);
  });

  // Not in any list, but a word and a year, a keyboard walk, a sequence, a repeat, l33t: guessable.
  it.each(['Summer2024', 'Welcome2024!', 'P@ssw0rd2024', 'qazwsxedcrfv', 'abcdefghijkl', '1234567890123', 'aaaaaaaa', '        ', '🙂🙂🙂🙂'])(
    'refuses a password built on a pattern: %p',
    (password) => {
      expect(weakPasswordReason(password, ACCOUNT)).toMatch(GUESSABLE);
    },
  );

  it('scores a long password on its start: a weak start is refused whatever follows', () => {
    expect(weakPasswordReason('password'.repeat(9), ACCOUNT)).toMatch(GUESSABLE);
    expect(weakPasswordReason(`${'x'.repeat(32)}kq8#Vz!m2LwR`, ACCOUNT)).toMatch(GUESSABLE);
  });

  it.each(['jane.doe@example.com', 'JANEDOE_123', 'janedoe_123'])("refuses the account's own email or username: %p", (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toMatch(/email or username/);
  });

  it('counts the account’s names as known words', () => {
    expect(weakPasswordReason('Kvoq-Zmeld7', {})).toBeUndefined();
    expect(weakPasswordReason('Kvoq-Zmeld7', { username: 'kvoq-zmeld' })).toMatch(GUESSABLE);
  });

  it.each(['correct-horse-battery', 'Tr0ub4dor&3 staple', 'zxq-81-lemon-vault', 'two devices here'])('takes an unguessable password: %p', (password) => {
    expect(weakPasswordReason(password, ACCOUNT)).toBeUndefined();
  });

  it('answers 400 WEAK_PASSWORD naming the field', async () => {
    const problem = await problemFrom(Promise.resolve().then(() => assertStrongPassword('Summer2024', ACCOUNT, 'new_password')));
    expect([problem.getStatus(), problem.code, problem.errors]).toEqual([
      400,
      ErrorCode.WEAK_PASSWORD,
      [{ field: 'new_password', message: expect.stringMatching(GUESSABLE) }],
    ]);
  });
});
