import { createHmac, hkdfSync } from 'node:crypto';
import { normalizeLoginName } from '../../users/login-name';

/**
 * A login name as the audit trail keeps it for a refused login: an HMAC of the normalised name
 * under a key derived from the service's secret. The same name gives the same digest, so attempts
 * on one name can be told apart from others, yet a password typed into the name field is not
 * kept, and a digest cannot be checked against guesses without the secret.
 */
export function loginDigest(secret: string): (name: string) => string {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'audit: login names', 32));
  return (name) => createHmac('sha256', key).update(normalizeLoginName(name)).digest('hex').slice(0, 32);
}
