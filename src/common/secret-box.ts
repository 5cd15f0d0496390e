import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** The sealed form's version: a later key or cipher gets another, and old rows still open. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a sealing key is for: each purpose its own key, derived from the one configured. */
export type SecretBoxPurpose = 'second factor secrets' | 'signing keys';

/**
 * The 32-byte AES key for secrets the database keeps (TOTP secrets, signing keys), derived
 * (HKDF-SHA256) from the configured MFA_ENCRYPTION_KEY for one purpose, so that any long random
 * string serves, as JWT_SECRET does.
 */
export function secretBoxKey(configured: string, purpose: SecretBoxPurpose = 'second factor secrets'): Buffer {
  return Buffer.from(hkdfSync('sha256', configured, Buffer.alloc(0), `user-accounts ${purpose}`, 32));
}

/**
 * A secret as the database keeps it: AES-256-GCM under `key`, bound to its owner (an account, a
 * key's id: authenticated data), so that a sealed secret copied to another row does not open.
 * `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export function seal(key: Buffer, owner: string, plaintext: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(owner));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** The plaintext of `sealed`, or undefined when it was not sealed by `key` for `owner` (or is damaged). */
export function open(key: Buffer, owner: string, sealed: string): Buffer | undefined {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (version !== VERSION || rest.length > 0 || ciphertext === undefined) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES })
      .setAAD(Buffer.from(owner))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  } catch {
    return undefined;
  }
}
