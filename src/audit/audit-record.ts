import type { ClientOrigin } from '../common/http/client-origin';
import type { AuditAction } from './audit-action.enum';

/** Who asked, and from where: what every audited change carries down from its request. */
export interface AuditContext {
  /** The account that made the request; null for a request without one (sign-up, login). */
  actorId: number | null;
  origin: ClientOrigin;
}

/** One event to write. `details` holds names and outcomes, never a secret. */
export interface AuditRecord {
  action: AuditAction;
  actorId: number | null;
  userId: number | null;
  origin: ClientOrigin;
  details?: Record<string, unknown>;
}

/** The record of `action` on `userId`'s account, by the context's actor. */
export function auditRecord(
  context: AuditContext,
  action: AuditAction,
  userId: number | null,
  details?: Record<string, unknown>,
): AuditRecord {
  return { action, actorId: context.actorId, userId, origin: context.origin, details };
}
