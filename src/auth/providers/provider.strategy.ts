import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import * as client from 'openid-client';
import { Strategy } from 'openid-client/passport';
import type { ProviderProfile } from './provider-profile';

/**
 * Where the provider strategies are registered: apart from passport's global instance, which
 * the access-token strategy uses, since several applications (the tests) run in one process and
 * each provider is asked for by its instance, never by name.
 */
const PROVIDERS_PASSPORT: InstanceType<typeof Passport> = new Passport();

/** How long a call to a provider (discovery, token, keys, user info) may take. */
export const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * A sign-in provider as a passport strategy: openid-client's, which sends the authorization
 * code request with PKCE and checks the return (state, nonce, `iss`, the ID token's signature
 * through the provider's keys, its issuer, audience and lifetime). It sends a `state` only where
 * the provider lacks PKCE and a `nonce` only with `id_token` responses; every request here
 * carries both, each for one use. `validate` turns the provider's answer into a profile.
 */
export abstract class ProviderStrategy extends PassportStrategy(Strategy) {
  constructor(
    readonly providerId: string,
    protected readonly config: client.Configuration,
    options: { callbackURL: string; scope: string; sendNonce: boolean },
  ) {
    super({ config, name: `oauth:${providerId}`, sessionKey: 'checks', callbackURL: options.callbackURL, scope: options.scope });
    this.sendNonce = options.sendNonce;
  }

  private readonly sendNonce: boolean;

  /** Called by PassportStrategy's constructor, which registers the strategy there. */
  getPassportInstance(): InstanceType<typeof Passport> {
    return PROVIDERS_PASSPORT;
  }

  override authorizationRequestParams<T extends object>(request: never, options: T): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(request, options) as URLSearchParams);
    params.set('state', client.randomState());
    if (this.sendNonce) params.set('nonce', client.randomNonce());
    return params;
  }

  abstract validate(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): Promise<ProviderProfile | false>;
}
