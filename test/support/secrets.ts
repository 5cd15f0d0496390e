import type { ApiClient } from './api-client';
import { TEST_JWT_SECRET } from './test-app';

const BCRYPT_HASH = /\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}/;
const SECRET_KEYS = /"(password|password_hash|passwordHash|salt|hash|refresh_token_hash)"\s*:/;
/** The API description names password fields by design; it holds no user's data. */
const DOCUMENTATION = /^\/docs/;

/**
 * Every response the client saw, checked for what must never leave the service: a bcrypt
 * hash, a password or hash field, the signing key, or any password the client ever sent.
 */
export function expectNoSecrets(api: ApiClient, alsoSecret: string[] = []): void {
  const responses = api.seen.filter(({ path }) => !DOCUMENTATION.test(path));
  expect(responses.length).toBeGreaterThan(0);
  const passwords = [...api.passwordsSent, ...alsoSecret];
  for (const { text } of responses) {
    expect(text).not.toMatch(BCRYPT_HASH);
    expect(text).not.toMatch(SECRET_KEYS);
    expect(text).not.toContain(TEST_JWT_SECRET);
    for (const password of passwords) expect(text).not.toContain(password);
  }
}
