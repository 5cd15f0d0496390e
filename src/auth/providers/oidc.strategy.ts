import * as client from 'openid-client';
import type { OidcProviderSettings } from '../../config/auth-providers';
import { ProviderProfile, providerProfile } from './provider-profile';
import { ProviderStrategy } from './provider.strategy';

/**
 * Any OpenID Connect provider (Google, Microsoft, Apple, a company's): who the user is comes
 * from the ID token openid-client has verified, and from the UserInfo endpoint when the token
 * leaves the email out (a provider may keep claims there).
 */
export class OidcStrategy extends ProviderStrategy {
  constructor(settings: OidcProviderSettings, config: client.Configuration, callbackURL: string) {
    super(settings.id, config, { callbackURL, scope: settings.scopes.join(' '), sendNonce: true });
  }

  async validate(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): Promise<ProviderProfile | false> {
    const claims = tokens.claims();
    if (!claims) return false;
    if (claims.email === undefined && this.config.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(this.config, tokens.access_token, claims.sub);
      return providerProfile({ ...info, sub: claims.sub }) ?? false;
    }
    return providerProfile(claims) ?? false;
  }
}
