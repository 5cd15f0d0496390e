import type { KeyObject } from 'node:crypto';

/** One passkey a SoftAuthenticator holds. */
export interface SoftCredential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  userHandle: string;
  counter: number;
}

/** A credential's JSON, as `PublicKeyCredential.toJSON()` has it. */
type CredentialJson = {
  id: string;
  rawId: string;
  type: 'public-key';
  authenticatorAttachment: 'platform';
  clientExtensionResults: Record<string, never>;
  response: Record<string, unknown>;
};

/**
 * A software WebAuthn authenticator (ES256, "none" attestation, a signature counter), shared with
 * bench/login-cost.mjs (plain JavaScript, typed here). The browser test drives Chromium's own
 * virtual authenticator instead.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { SoftAuthenticator } = require('./soft-authenticator.mjs') as {
  SoftAuthenticator: new (
    origin: string,
    rpId?: string,
  ) => {
    credentials: SoftCredential[];
    /** navigator.credentials.create(): a new credential for the options. */
    register(
      options: { challenge: string; rp: { id?: string }; user: { id: string } },
      settings?: { origin?: string; userVerified?: boolean },
    ): { credential: SoftCredential; json: CredentialJson };
    /** navigator.credentials.get(): `credential` (else the first allowed) signs the challenge, its counter moved forward unless `counter` is given. */
    assert(
      options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] },
      settings?: { credential?: SoftCredential; counter?: number; origin?: string },
    ): CredentialJson;
  };
};
