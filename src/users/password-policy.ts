import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';
import type { Message } from '../i18n/translator';

/** zxcvbn's score a new password needs: 3 is "safely unguessable" (about 10^8 guesses and more). */
export const MIN_PASSWORD_SCORE = 3;

/**
 * zxcvbn-ts' cost grows with length and with l33t substitutions tried: a made-up 72-byte password
 * took 1.4 s of the event loop with the English dictionary and default options, 148 ms with the
 * common one. Scoring the first 32 characters with at most 4 substitutions keeps the worst found
 * under 10 ms (docs/decisions.md); a longer password is scored on its start, which must be strong
 * by itself.
 */
const SCORED_CHARACTERS = 32;
const L33T_SUBSTITUTIONS = 4;

/** Built at the first check (about 90 ms): the service's start does not wait on it. */
let estimator: ZxcvbnFactory | undefined;

function passwordScore(password: string, userInputs: string[]): number {
  estimator ??= new ZxcvbnFactory({
    graphs: adjacencyGraphs,
    dictionary,
    maxLength: SCORED_CHARACTERS,
    l33tMaxSubstitutions: L33T_SUBSTITUTIONS,
  });
  return estimator.check(password, userInputs).score;
}

/** Why a new password is too easy to guess for this account, or undefined when it is not. */
export function weakPasswordReason(password: string, account: { email?: string; username?: string }): Message | undefined {
  const names = [account.email, account.username].filter((name) => name !== undefined);
  if (names.some((name) => name.toLowerCase() === password.toLowerCase().trim())) {
    return { key: 'validation.password.isAccountName' };
  }
  if (passwordScore(password, names) < MIN_PASSWORD_SCORE) {
    return { key: 'validation.password.tooEasy' };
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
