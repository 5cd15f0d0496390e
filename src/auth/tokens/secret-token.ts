import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: a refresh token, or the token of a link in a mail. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** How such a token is stored and looked up: only its SHA-256, in hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
