import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { violatedUniqueIndex } from '../../database/unique-violation';
import { AccountSecurity } from '../../users/account-security';
import { UsersService } from '../../users/users.service';
import { reauthenticate } from '../reauthentication/reauthenticate';
import type { IdentityDto } from './dto/identity.dto';
import { IdentitiesRepository } from './identities.repository';
import { ProviderFlowsService } from './provider-flows.service';
import type { ProviderProfile } from './provider-profile';

/** The caller's links to other providers: listed, added through the provider's own login, removed. */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly flows: ProviderFlowsService,
    private readonly users: UsersService,
    private readonly security: AccountSecurity,
  ) {}

  async list(caller: AuthenticatedUser): Promise<IdentityDto[]> {
    const user = await this.users.callerAccount(caller);
    return this.identities.listOf(user.id);
  }

  /**
   * Begins linking: a new way into the account, so asked as a passkey's registration is (the
   * current password, or a login within 10 minutes). The provider's return goes to the frontend
   * with a code that only this account's token can exchange.
   */
  async beginLink(caller: AuthenticatedUser, providerId: string, returnTo: string | undefined, currentPassword: string | undefined, context: AuditContext): Promise<string> {
    const user = await this.users.callerAccount(caller);
    await reauthenticate(this.security, caller, user, currentPassword, context);
    return this.flows.begin(providerId, returnTo, { userId: user.id });
  }

  /** Links what the provider said to the caller's account, if it is the account that began the linking. */
  async link(caller: AuthenticatedUser | undefined, linkingUserId: number, provider: string, profile: ProviderProfile, context: AuditContext): Promise<IdentityDto> {
    // Another account's code (a link sent to a victim, say) is refused as an unknown one: it was spent.
    if (caller?.id !== linkingUserId) throw problem(ErrorCode.OAUTH_CODE_INVALID);
    const user = await this.users.callerAccount(caller);
    await this.identities.releaseFromDeleted(provider, profile.subject);
    const id = randomUUID();
    const event = auditRecord(context, AuditAction.IDENTITY_LINKED, user.id, { provider, identity_id: id });
    try {
      return await this.identities.insert(id, user.id, provider, profile, event);
    } catch (error) {
      if (violatedUniqueIndex(error)?.startsWith('IDX_identities_')) throw problem(ErrorCode.IDENTITY_TAKEN);
      throw error;
    }
  }

  /**
   * Unlinks one, re-authenticated; never the last way in (no password, no passkey, no other
   * identity). The account's row is locked while it counts, so two removals cannot both pass.
   */
  async unlink(caller: AuthenticatedUser, id: string, currentPassword: string | undefined, context: AuditContext): Promise<void> {
    const user = await this.users.callerAccount(caller);
    await reauthenticate(this.security, caller, user, currentPassword, context);
    await this.identities.transaction(async (identities) => {
      const account = await this.users.lockedAccount({ caller }, identities.manager);
      if (!account) throw problem(ErrorCode.UNAUTHORIZED);
      const others = (await identities.providersOf(account.id)).length - 1;
      const provider = await identities.delete(account.id, id, (name) => auditRecord(context, AuditAction.IDENTITY_UNLINKED, account.id, { provider: name, identity_id: id }));
      if (provider === undefined) throw problem(ErrorCode.IDENTITY_NOT_FOUND);
      if (account.password_hash === null && account.mfa_passkeys === 0 && others === 0) throw problem(ErrorCode.LAST_SIGN_IN_METHOD);
    });
  }
}
