import { isEmail } from 'class-validator';
import { domainToASCII } from 'node:url';
import type { Message } from '../i18n/translator';

/** Control and format characters (zero-width spaces, soft hyphens, direction marks...): invisible. */
export const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** Scripts whose letters pass for Latin ones: a label that mixes them is a look-alike. */
const LOOKALIKE_SCRIPTS = [/\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];
const LATIN = /\p{Script=Latin}/u;

/**
 * An email as it is stored and compared: trimmed, NFKC (fullwidth letters, decomposed
 * accents), the domain in ASCII (IDN to punycode), lower-cased. Text that cannot be normalised
 * (invisible characters, a domain that mixes scripts or does not convert) is answered trimmed
 * and otherwise as it came, for `emailProblem` to name.
 */
export function normalizeEmail(input: string): string {
  const text = input.trim();
  if (INVISIBLE.test(text)) return text;
  const composed = text.normalize('NFKC');
  const at = composed.lastIndexOf('@');
  if (at < 0) return composed.toLowerCase();
  const domain = composed.slice(at + 1);
  const mixed = domain.split('.').some((label) => LATIN.test(label) && LOOKALIKE_SCRIPTS.some((s) => s.test(label)));
  const ascii = mixed ? '' : domainToASCII(domain);
  return ascii ? `${composed.slice(0, at)}@${ascii}`.toLowerCase() : composed;
}

/** Why a normalised email cannot be an account's, or undefined when it can. */
export function emailProblem(email: string): Message | undefined {
  if (INVISIBLE.test(email)) return { key: 'validation.field.invisible', params: { field: 'email' } };
  if (email.length > 254) return { key: 'validation.field.maxLength', params: { field: 'email', max: 254 } };
  // After normalisation a good address is ASCII: the domain is punycode, and the mailbox name
  // must be ASCII, unquoted, so that no two addresses look alike.
  if (!isEmail(email, { allow_utf8_local_part: false, blacklisted_chars: '"' }) || /[^\x21-\x7e]/.test(email)) {
    return { key: 'validation.email.invalid' };
  }
  return undefined;
}
