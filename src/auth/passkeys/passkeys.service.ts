import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { violatedUniqueIndex } from '../../database/unique-violation';
import { AccountSecurity } from '../../users/account-security';
import { UsersService } from '../../users/users.service';
import { reauthenticate } from '../reauthentication/reauthenticate';
import { deviceLabel } from '../sessions/device-label';
import { PasskeyView, toPasskeyView } from './dto/passkey-view.dto';
import type { RegisterPasskeyDto } from './dto/passkey-bodies.dto';
import { MAX_PASSKEYS, PasskeyCeremonies } from './passkey-ceremonies';
import { PasskeysRepository } from './passkeys.repository';

/**
 * The owner's passkeys: registered after a re-authentication (its options need one), listed,
 * renamed and removed (re-authenticated). The account's view counts them (`mfa.passkeys`), in
 * the transaction of each change.
 */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly ceremonies: PasskeyCeremonies,
    private readonly users: UsersService,
    private readonly security: AccountSecurity,
  ) {}

  async registrationOptions(caller: AuthenticatedUser, currentPassword: string | undefined, context: AuditContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.users.callerAccount(caller);
    await reauthenticate(this.security, caller, user, currentPassword, context);
    return this.ceremonies.registrationOptions(user);
  }

  /** The browser's new credential, checked against the caller's registration challenge, kept. */
  async register(caller: AuthenticatedUser, dto: RegisterPasskeyDto, context: AuditContext): Promise<PasskeyView> {
    const user = await this.users.callerAccount(caller);
    const verified = await this.ceremonies.verifyRegistration(user.id, dto.credential);
    const name = dto.name ?? deviceLabel(context.origin.userAgent).slice(0, 64);
    try {
      return await this.passkeys.transaction(async (passkeys) => {
        const row = await passkeys.insert({ ...verified, id: randomUUID(), name });
        const event = auditRecord(context, AuditAction.PASSKEY_REGISTERED, user.id, { passkey_id: row.id });
        const after = await this.users.setSecondFactors({ caller }, { passkeysAdded: 1 }, passkeys.manager, [event]);
        if (!after) throw ProblemException.unauthorized();
        // Counted in the account's locked row: registrations at once cannot pass the limit.
        if (after.mfa_passkeys > MAX_PASSKEYS) throw problem(ErrorCode.PASSKEY_LIMIT);
        return toPasskeyView(row);
      });
    } catch (error) {
      if (violatedUniqueIndex(error) !== undefined) throw problem(ErrorCode.PASSKEY_ALREADY_REGISTERED);
      throw error;
    }
  }

  async list(caller: AuthenticatedUser): Promise<PasskeyView[]> {
    const user = await this.users.callerAccount(caller);
    return (await this.passkeys.list(user.id)).map(toPasskeyView);
  }

  async rename(caller: AuthenticatedUser, id: string, name: string): Promise<PasskeyView> {
    const user = await this.users.callerAccount(caller);
    const row = await this.passkeys.rename(user.id, id, name);
    if (!row) throw problem(ErrorCode.PASSKEY_NOT_FOUND);
    return toPasskeyView(row);
  }

  async remove(caller: AuthenticatedUser, id: string, currentPassword: string | undefined, context: AuditContext): Promise<void> {
    const user = await this.users.callerAccount(caller);
    await reauthenticate(this.security, caller, user, currentPassword, context);
    await this.passkeys.transaction(async (passkeys) => {
      const event = auditRecord(context, AuditAction.PASSKEY_REMOVED, user.id, { passkey_id: id });
      if (!(await passkeys.delete(user.id, id, event))) throw problem(ErrorCode.PASSKEY_NOT_FOUND);
      if (!(await this.users.setSecondFactors({ caller }, { passkeysAdded: -1 }, passkeys.manager))) throw ProblemException.unauthorized();
    });
  }

  /** Every passkey of the account gone, in the transaction of `manager` (an administrator's removal). */
  removeAllOf(manager: EntityManager, userId: number): Promise<void> {
    return this.passkeys.on(manager).deleteAllOf(userId);
  }

}
