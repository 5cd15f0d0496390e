import { dictionary } from '@zxcvbn-ts/language-common';
import { ErrorCode } from '../common/error-code.enum';
import { problem } from '../common/problem.exception';

/**
 * zxcvbn-ts' list of common passwords (about 49,000, most common first), lower-cased. Only
 * those of 8 bytes or more: shorter ones are refused by length already.
 */
const COMMON_PASSWORDS = new Set(
  dictionary['passwords-common'].filter((password) => Buffer.byteLength(password) >= 8),
);

const ONE_CHARACTER_REPEATED = /^(.)\1*$/su;

/** Why a new password is too easy to guess for this account, or undefined when it is not. */
export function weakPasswordReason(password: string, account: { email?: string; username?: string }): string | undefined {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'This password is one of the most common passwords: choose another.';
  if (ONE_CHARACTER_REPEATED.test(password)) return 'This password repeats one character: choose another.';
  const names = [account.email, account.username].filter((name) => name !== undefined);
  if (names.some((name) => name.toLowerCase() === lower.trim())) {
    return 'The password must not be the account\'s email or username.';
  }
  return undefined;
}

/** 400 WEAK_PASSWORD naming the field, when the password is too easy to guess. */
export function assertStrongPassword(
  password: string,
  account: { email?: string; username?: string },
  field = 'password',
): void {
  const reason = weakPasswordReason(password, account);
  if (reason) {
    throw problem(ErrorCode.WEAK_PASSWORD, reason, { errors: [{ field, message: reason }] });
  }
}
