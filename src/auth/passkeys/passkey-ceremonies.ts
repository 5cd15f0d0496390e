import { Injectable } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { createHmac } from 'node:crypto';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { AppConfig } from '../../config/app-config';
import type { User } from '../../users/user.entity';
import type { AuthenticationCredentialDto, RegistrationCredentialDto } from './dto/webauthn-credential.dto';
import { ChallengePurpose, NewPasskey, PasskeysRepository, StoredPasskey } from './passkeys.repository';

/** How long a browser has for a ceremony, and how long its challenge lives (a little longer). */
const CEREMONY_MS = 60_000;
const CHALLENGE_SECONDS = 120;
/** The most passkeys one account may register. */
export const MAX_PASSKEYS = 10;

/** What the library says when a signature counter did not move forward (a cloned authenticator). */
const COUNTER_WENT_BACK = /^Response counter value/;

/**
 * The WebAuthn ceremonies, through @simplewebauthn/server: options with a challenge kept for 2
 * minutes and spent by the one answer that signs it, and the answers' verification against the
 * relying party (WEBAUTHN_RP_ID) and its origins (WEBAUTHN_ORIGINS).
 */
@Injectable()
export class PasskeyCeremonies {
  private readonly handleKey: Buffer;

  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly config: AppConfig,
  ) {
    this.handleKey = createHmac('sha256', config.mfa.encryptionKey).update('webauthn user handles').digest();
  }

  /** Options to register one more passkey of the account (409 past MAX_PASSKEYS). */
  async registrationOptions(user: User): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.passkeys.credentialsOf(user.id);
    if (existing.length >= MAX_PASSKEYS) throw problem(ErrorCode.PASSKEY_LIMIT);
    const { rpId, rpName } = this.config.webauthn;
    const options = await generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: user.email,
      userDisplayName: user.name,
      userID: new Uint8Array(this.userHandle(user.id)),
      timeout: CEREMONY_MS,
      attestationType: 'none',
      excludeCredentials: existing,
      // Discoverable, so that it can sign in on its own, without a name typed first.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.passkeys.saveChallenge(options.challenge, 'register', user.id, CHALLENGE_SECONDS);
    return options;
  }

  /** A new passkey of the account, verified against a registration challenge of the account (spent). */
  async verifyRegistration(userId: number, credential: RegistrationCredentialDto): Promise<Omit<NewPasskey, 'id' | 'name'>> {
    const { rpId, origins } = this.config.webauthn;
    const verified = await verifyRegistrationResponse({
      response: credential as RegistrationResponseJSON,
      expectedChallenge: (challenge) => this.passkeys.spendChallenge(challenge, 'register', userId),
      expectedOrigin: origins,
      expectedRPID: rpId,
      requireUserVerification: false,
    }).catch(() => undefined);
    if (!verified?.verified) throw problem(ErrorCode.PASSKEY_INVALID);
    const { credential: made, credentialBackedUp } = verified.registrationInfo;
    return {
      userId,
      credentialId: made.id,
      publicKey: Buffer.from(made.publicKey).toString('base64url'),
      counter: made.counter,
      transports: (made.transports ?? []).slice(0, 8),
      backedUp: credentialBackedUp,
    };
  }

  /**
   * Options to sign a challenge: with any discoverable passkey (`login`, no account), or with one
   * of the account's (`second_factor`, after its password).
   */
  async authenticationOptions(purpose: Exclude<ChallengePurpose, 'register'>, userId: number | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      allowCredentials: userId === null ? [] : await this.passkeys.credentialsOf(userId),
      // On its own a passkey must prove its user too (a PIN or biometric): it is both factors.
      userVerification: purpose === 'login' ? 'required' : 'preferred',
      timeout: CEREMONY_MS,
    });
    await this.passkeys.saveChallenge(options.challenge, purpose, userId, CHALLENGE_SECONDS);
    return options;
  }

  /**
   * The passkey that signed a challenge handed out for `purpose` (and for `userId`, whose passkey
   * it must then be); the challenge is spent, the counter moved forward. 401 PASSKEY_INVALID
   * otherwise, with a `passkey.failed` event, or `passkey.counter_regressed` for a counter that
   * did not move forward: a cloned authenticator.
   */
  async verifyAssertion(
    purpose: Exclude<ChallengePurpose, 'register'>,
    userId: number | null,
    credential: AuthenticationCredentialDto,
    context: AuditContext,
  ): Promise<StoredPasskey> {
    const passkey = await this.passkeys.findByCredential(credential.id);
    const refuse = async (action: AuditAction, reason: string): Promise<ProblemException> => {
      const details = passkey ? { passkey_id: passkey.id, reason } : { reason };
      await this.passkeys.record(auditRecord(context, action, userId ?? passkey?.userId ?? null, details));
      return problem(ErrorCode.PASSKEY_INVALID);
    };
    if (!passkey) throw await refuse(AuditAction.PASSKEY_FAILED, 'unknown_passkey');
    if (userId !== null && passkey.userId !== userId) throw await refuse(AuditAction.PASSKEY_FAILED, 'another_account');
    const { userHandle } = credential.response;
    if (userHandle !== undefined && userHandle !== this.userHandle(passkey.userId).toString('base64url')) {
      throw await refuse(AuditAction.PASSKEY_FAILED, 'another_account');
    }
    const { rpId, origins } = this.config.webauthn;
    let newCounter: number;
    try {
      const verified = await verifyAuthenticationResponse({
        response: credential as AuthenticationResponseJSON,
        expectedChallenge: (challenge) => this.passkeys.spendChallenge(challenge, purpose, userId),
        expectedOrigin: origins,
        expectedRPID: rpId,
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports },
        requireUserVerification: purpose === 'login',
      });
      if (!verified.verified) throw new Error('not verified');
      newCounter = verified.authenticationInfo.newCounter;
    } catch (error) {
      if (COUNTER_WENT_BACK.test((error as Error).message)) throw await refuse(AuditAction.PASSKEY_COUNTER_REGRESSED, 'counter_regressed');
      throw await refuse(AuditAction.PASSKEY_FAILED, 'not_verified');
    }
    // Two answers with one counter value at once: the second is a copy.
    if (!(await this.passkeys.markUsed(passkey.id, newCounter))) throw await refuse(AuditAction.PASSKEY_COUNTER_REGRESSED, 'counter_regressed');
    return passkey;
  }

  /** The opaque id an authenticator keeps for the account (WebAuthn's user handle): no personal data in it. */
  private userHandle(userId: number): Buffer {
    return createHmac('sha256', this.handleKey).update(String(userId)).digest();
  }
}
