import { Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import type { ProviderSettings } from '../../config/auth-providers';
import { AppConfig } from '../../config/app-config';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { GitHubStrategy } from './github.strategy';
import { OidcStrategy } from './oidc.strategy';
import { PROVIDER_TIMEOUT_SECONDS, ProviderStrategy } from './provider.strategy';

/** After a failed discovery, the provider answers 503 at once for this long rather than wait again. */
const DISCOVERY_RETRY_MS = 30_000;

/**
 * The providers of AUTH_PROVIDERS and their strategies. An OpenID Connect provider's is made at
 * its first use, from the issuer's discovery document: a provider that is down when the service
 * starts stops nobody's start, nor any other provider.
 */
@Injectable()
export class ProviderStrategies {
  private readonly settings: Map<string, ProviderSettings>;
  private readonly strategies = new Map<string, Promise<ProviderStrategy>>();
  private readonly failedAt = new Map<string, number>();
  private readonly logger = new Logger(ProviderStrategies.name);

  constructor(private readonly config: AppConfig) {
    this.settings = new Map(config.oauth.providers.map((provider) => [provider.id, provider]));
  }

  list(): ProviderSettings[] {
    return [...this.settings.values()];
  }

  /** The settings of `id`; 404 for a provider that is not configured. */
  settingsOf(id: string): ProviderSettings {
    const settings = this.settings.get(id);
    if (!settings) throw problem(ErrorCode.PROVIDER_NOT_FOUND);
    return settings;
  }

  /** The strategy of `id`; 503 while its issuer cannot be discovered. */
  async get(id: string): Promise<ProviderStrategy> {
    const settings = this.settingsOf(id);
    if (Date.now() - (this.failedAt.get(id) ?? -Infinity) < DISCOVERY_RETRY_MS) throw problem(ErrorCode.PROVIDER_UNAVAILABLE);
    let strategy = this.strategies.get(id);
    if (!strategy) {
      strategy = this.make(settings);
      this.strategies.set(id, strategy);
    }
    try {
      return await strategy;
    } catch (error) {
      if (this.strategies.get(id) === strategy) {
        this.strategies.delete(id);
        this.failedAt.set(id, Date.now());
        this.logger.warn(`Provider "${id}" could not be discovered (${error instanceof Error ? error.name : 'error'}); retried in ${DISCOVERY_RETRY_MS / 1000} s`);
      }
      throw problem(ErrorCode.PROVIDER_UNAVAILABLE);
    }
  }

  private async make(settings: ProviderSettings): Promise<ProviderStrategy> {
    const callbackURL = `${this.config.publicUrl}/auth/oauth/${settings.id}/callback`;
    if (settings.type === 'oidc') {
      const issuer = new URL(settings.issuer);
      const config = await client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The ID token's signature checked through the provider's JWKS too, not only TLS to its token endpoint.
        execute: [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [])],
      });
      return new OidcStrategy(settings, config, callbackURL);
    }
    const config = new client.Configuration(
      { issuer: new URL(settings.authorizationUrl).origin, authorization_endpoint: settings.authorizationUrl, token_endpoint: settings.tokenUrl },
      settings.clientId,
      settings.clientSecret,
    );
    config.timeout = PROVIDER_TIMEOUT_SECONDS;
    if ([settings.authorizationUrl, settings.tokenUrl, settings.apiUrl].some((url) => url.startsWith('http:'))) client.allowInsecureRequests(config);
    return new GitHubStrategy(settings, config, callbackURL);
  }
}
