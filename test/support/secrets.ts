import type { ApiResponse } from './api-client';
import { TEST_JWT_SECRET } from './test-app';

const BCRYPT_HASH = /\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}/;
const SECRET_KEYS = /"(password|password_hash|passwordHash|salt|hash|refresh_token_hash)"\s*:/;

/**
 * Every response a suite saw, checked for what must never leave the service: a bcrypt hash,
 * a password or hash field, the signing key, or any of the plain-text passwords the suite used.
 */
export function expectNoSecrets(responses: ApiResponse[], passwords: string[]): void {
  expect(responses.length).toBeGreaterThan(0);
  for (const { text } of responses) {
    expect(text).not.toMatch(BCRYPT_HASH);
    expect(text).not.toMatch(SECRET_KEYS);
    expect(text).not.toContain(TEST_JWT_SECRET);
    for (const password of passwords) expect(text).not.toContain(password);
  }
}
