import { claimsOf, signAsService } from './test-signing-key';

/**
 * The same access token (its user and session), signed again as if its login were `seconds`
 * ago: what re-authentication by a recent login refuses past 10 minutes.
 */
export function loginAgo(token: string, seconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signAsService({ ...claimsOf(token), auth_time: now - seconds, iat: now, exp: now + 600 });
}
