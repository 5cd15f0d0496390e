import * as client from 'openid-client';
import type { GitHubProviderSettings } from '../../config/auth-providers';
import { ProviderProfile, providerProfile } from './provider-profile';
import { ProviderStrategy } from './provider.strategy';

/** An address of GET /user/emails. */
interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * GitHub: OAuth 2 without ID tokens, on openid-client's OAuth primitives (PKCE, state, the
 * token request); who the user is comes from its API: GET /user (the numeric id is the
 * subject: a login name can change hands) and GET /user/emails (the primary address and
 * whether GitHub verified it).
 */
export class GitHubStrategy extends ProviderStrategy {
  private readonly apiUrl: string;

  constructor(settings: GitHubProviderSettings, config: client.Configuration, callbackURL: string) {
    super(settings.id, config, { callbackURL, scope: settings.scopes.join(' '), sendNonce: false });
    this.apiUrl = settings.apiUrl;
  }

  async validate(tokens: client.TokenEndpointResponse): Promise<ProviderProfile | false> {
    const user = await this.api<{ id?: unknown; name?: unknown; login?: unknown }>(tokens.access_token, '/user');
    const emails = await this.api<GitHubEmail[]>(tokens.access_token, '/user/emails');
    const primary = Array.isArray(emails) ? emails.find((entry) => entry?.primary === true) : undefined;
    return (
      providerProfile({
        sub: user?.id,
        email: primary?.email,
        email_verified: primary?.verified,
        name: typeof user?.name === 'string' && user.name ? user.name : user?.login,
      }) ?? false
    );
  }

  /** A GET of GitHub's API as the user; its JSON, or undefined when GitHub refuses or answers no JSON. */
  private async api<T>(accessToken: string, path: string): Promise<T | undefined> {
    const headers = new Headers({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });
    const response = await client.fetchProtectedResource(this.config, accessToken, new URL(`${this.apiUrl}${path}`), 'GET', null, headers);
    if (!response.ok) return undefined;
    try {
      return (await response.json()) as T;
    } catch {
      return undefined;
    }
  }
}
