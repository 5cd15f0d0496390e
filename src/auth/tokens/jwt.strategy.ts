import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-custom';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { SigningKeysService } from '../keys/signing-keys.service';
import { AccessTokensService } from './access-tokens.service';
import { bearerToken, callerFromClaims } from './access-token-claims';
import { VerifiedTokens } from './verified-tokens';

/** The name JwtAuthGuard asks passport for. */
export const JWT_STRATEGY = 'jwt';

/** The request as passport's types name it (Express's); Fastify's raw request here. */
type PassportRequest = Parameters<InstanceType<typeof Strategy>['authenticate']>[0];

/** Bounds the memory of the tokens remembered: 10,000 tokens of about 300 bytes. */
const VERIFIED_TOKENS_CACHED = 10_000;

/**
 * Access tokens, as a passport strategy: the bearer token's signature (under the key its kid
 * names), lifetime, `iss` and `aud` checked in process (AccessTokensService), then its claims.
 * Whether the session is still open is the route's own statement's business. Other ways to
 * sign in are other strategies beside it.
 *
 * A token verified once is remembered until its `exp` (VerifiedTokens): a hit skips the
 * signature and the promise of `validate` (docs/decisions.md); a removed key forgets them all.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS_CACHED);

  constructor(
    private readonly tokens: AccessTokensService,
    keys: SigningKeysService,
  ) {
    super();
    keys.onRemoved(() => this.verified.clear());
  }

  override authenticate(request: PassportRequest, options?: object): void {
    const token = bearerToken(request);
    const known = token === null ? undefined : this.verified.get(token);
    // passport gives every strategy success(); passport-custom's types leave it out.
    if (known) return (this as unknown as { success(caller: AuthenticatedUser): void }).success(known);
    super.authenticate(request, options);
  }

  /** Returns the caller of a verified token, or false for none, a bad one, or claims this service does not sign. */
  async validate(request: IncomingMessage): Promise<AuthenticatedUser | false> {
    const token = bearerToken(request);
    if (token === null) return false;
    const claims = await this.tokens.verify(token);
    const caller = callerFromClaims(claims);
    if (!caller) return false;
    this.verified.set(token, caller, (claims as { exp: number }).exp);
    return caller;
  }
}
