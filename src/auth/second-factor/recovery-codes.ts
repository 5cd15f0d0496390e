import { createHmac, randomInt } from 'node:crypto';

/** How many codes an enrolment (or a renewal) gives, each usable once. */
export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32 without the letters people confuse (I, L, O, U): 10 of them are 50 bits. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 10;

/** New recovery codes, shown once as `XXXXX-XXXXX`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const code = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/**
 * A code as typed, in its one form: dashes and spaces dropped, upper case, and the letters
 * people mistake for digits read as those digits (O for 0, I and L for 1). Undefined when it
 * cannot be a code.
 */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/**
 * What the database keeps of a code: HMAC-SHA256 under the second factor's key, so that the
 * table alone does not let anyone try the 2^50 codes offline.
 */
export function recoveryCodeHash(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(code).digest('hex');
}
