import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { Role } from '../../access/role.enum';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import type { ClientOrigin } from '../../common/http/client-origin';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { AppConfig } from '../../config/app-config';
import { violatedUniqueIndex } from '../../database/unique-violation';
import type { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import type { MfaRequiredDto } from '../second-factor/dto/mfa-required.dto';
import { MfaLoginService } from '../second-factor/mfa-login.service';
import type { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { SessionsService } from '../sessions/sessions.service';
import { sha256Hex } from '../tokens/secret-token';
import type { LinkedIdentityDto } from './dto/identity.dto';
import { IdentitiesRepository, LinkedAccount } from './identities.repository';
import { IdentitiesService } from './identities.service';
import { OAuthFlowsRepository } from './oauth-flows.repository';
import type { ProviderProfile } from './provider-profile';

/**
 * What a provider's answer leads to, once the frontend exchanges its one-time code: a login to
 * the linked account; a new account, when the provider vouches for an address nobody has; never
 * a link made by itself to an account that has the address (ACCOUNT_EXISTS: its owner links
 * after signing in another way); or, for a linking, the link.
 */
@Injectable()
export class ProviderLoginService {
  constructor(
    private readonly results: OAuthFlowsRepository,
    private readonly identities: IdentitiesRepository,
    private readonly linking: IdentitiesService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaLoginService,
    private readonly config: AppConfig,
  ) {}

  async exchange(code: string, caller: AuthenticatedUser | undefined, origin: ClientOrigin): Promise<TokenResponseDto | MfaRequiredDto | LinkedIdentityDto> {
    const result = await this.results.spendResult(sha256Hex(code));
    if (!result) throw problem(ErrorCode.OAUTH_CODE_INVALID);
    const { provider, profile } = result;
    if (result.userId !== null) {
      return { linked: await this.linking.link(caller, result.userId, provider, profile, { actorId: caller?.id ?? null, origin }) };
    }
    const linked = await this.identities.linkedAccount(provider, profile.subject);
    if (linked) return this.signIn(linked, provider, profile, origin);
    await this.identities.releaseFromDeleted(provider, profile.subject);
    return this.signUp(provider, profile, origin);
  }

  private async signIn(account: LinkedAccount, provider: string, profile: ProviderProfile, origin: ClientOrigin): Promise<TokenResponseDto | MfaRequiredDto> {
    if (!account.isActive) throw problem(ErrorCode.ACCOUNT_DISABLED);
    if (this.config.emailTokens.requireVerification && !account.emailVerified) throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
    await this.identities.used(account.identityId, profile);
    const user = { id: account.userId, email_verified: account.emailVerified, mfa_totp: account.mfaTotp, mfa_passkeys: account.mfaPasskeys };
    // The provider's own second factor is its business: this account's still stands.
    if (this.mfa.required(user)) return this.mfa.challenge(user, provider);
    const event = auditRecord({ actorId: user.id, origin }, AuditAction.LOGIN_SUCCEEDED, user.id, { provider, identity_id: account.identityId });
    return this.sessions.open(user, origin, event, ['fed']);
  }

  /** A new account for a provider's verified address that no account has; else why not. */
  private async signUp(provider: string, profile: ProviderProfile, origin: ClientOrigin): Promise<TokenResponseDto | MfaRequiredDto> {
    // Nothing is looked up for an address the provider does not vouch for: it tells no one whether an account has it.
    if (profile.email === null || !profile.emailVerified) throw problem(ErrorCode.PROVIDER_EMAIL_UNVERIFIED);
    const email = profile.email;
    const existing = await this.users.findByLogin({ email });
    if (existing) throw await this.accountExists(existing);
    const identityId = randomUUID();
    const context: AuditContext = { actorId: null, origin };
    let user: User;
    try {
      user = await this.users.create(
        { email, name: profile.name ?? email.slice(0, email.indexOf('@')).slice(0, 100), role: Role.USER, email_verified: true },
        { context, provider, withAccount: (manager, account) => this.identities.on(manager).insert(identityId, account.id, provider, profile) },
      );
    } catch (error) {
      // The same provider's account signing up twice at once (two tabs): the second logs in to
      // the account the first made. Another account taking the address meanwhile: ACCOUNT_EXISTS.
      const emailTaken = error instanceof ProblemException && error.code === ErrorCode.EMAIL_TAKEN;
      if (emailTaken || violatedUniqueIndex(error) === 'IDX_identities_provider_subject') {
        const linked = await this.identities.linkedAccount(provider, profile.subject);
        if (linked) return this.signIn(linked, provider, profile, origin);
        const winner = emailTaken ? await this.users.findByLogin({ email }) : null;
        if (winner) throw await this.accountExists(winner);
      }
      throw error;
    }
    const event = auditRecord({ actorId: user.id, origin }, AuditAction.LOGIN_SUCCEEDED, user.id, { provider, identity_id: identityId });
    return this.sessions.open(user, origin, event, ['fed']);
  }

  /** ACCOUNT_EXISTS, with the ways its owner can sign in to link the provider. */
  private async accountExists(user: User): Promise<ProblemException> {
    const providers = await this.identities.providersOf(user.id);
    return problem(ErrorCode.ACCOUNT_EXISTS, undefined, {
      extensions: { sign_in_methods: { has_password: user.password_hash !== null, has_passkey: user.mfa_passkeys > 0, providers } },
    });
  }
}
