import type { AuditContext } from '../../audit/audit-record';
import { AuthenticatedUser, loggedInWithin } from '../../access/authenticated-user';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import type { AccountSecurity } from '../../users/account-security';
import type { User } from '../../users/user.entity';
import { RECENT_LOGIN_SECONDS } from '../../users/users.service';

/** What re-authenticating can answer: a wrong password, a locked account, a login too old. */
export const REAUTHENTICATION_PROBLEMS = [ErrorCode.INVALID_CREDENTIALS, ErrorCode.ACCOUNT_LOCKED, ErrorCode.REAUTHENTICATION_REQUIRED];

/**
 * What a change of the account's ways in asks of a caller who holds a valid token: the current
 * password when given (counted toward the lockout), else a login within the last 10 minutes.
 */
export async function reauthenticate(
  security: AccountSecurity,
  caller: AuthenticatedUser,
  user: User,
  currentPassword: string | undefined,
  context: AuditContext,
): Promise<void> {
  if (currentPassword !== undefined) return security.verifyPassword(user, currentPassword, context.origin.ip);
  if (!loggedInWithin(caller, RECENT_LOGIN_SECONDS)) throw problem(ErrorCode.REAUTHENTICATION_REQUIRED);
}
