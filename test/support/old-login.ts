import { decode, sign } from 'jsonwebtoken';
import { TEST_JWT_SECRET } from './test-app';

/**
 * The same access token (its user and session), signed again as if its login were `seconds`
 * ago: what re-authentication by a recent login refuses past 10 minutes.
 */
export function loginAgo(token: string, seconds: number): string {
  const { exp, iat, ...claims } = decode(token) as Record<string, unknown>;
  void exp;
  void iat;
  return sign({ ...claims, auth_time: Math.floor(Date.now() / 1000) - seconds }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
}
