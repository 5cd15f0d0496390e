import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';
import { FLOW_SECONDS } from './browser-binding';
import { OAuthFlowsRepository } from './oauth-flows.repository';
import { ProviderStrategies } from './provider-strategies';
import { allowedReturnUrl } from './return-url';
import { runStrategy } from './run-strategy';

/** How long the frontend has to exchange the one-time code of a return. */
export const EXCHANGE_SECONDS = 60;
/** A `state` this service makes is 43 characters; anything much longer is not one. */
const MAX_STATE = 128;
/** The query of a provider's return, bounded before anything parses it. */
const MAX_QUERY = 8192;

/** Who begins a flow: a browser signing in (its cookie's token), or an account linking another way in. */
export type FlowStarter = { browser: string } | { userId: number };

/** Where a return sends the browser: the frontend's address with a one-time code, or with an error. */
export interface FlowReturn {
  returnUrl: string;
  code?: string;
  error?: ErrorCode;
}

/**
 * The redirect dance with a provider, through its passport strategy: the redirect there (its
 * PKCE verifier, state and nonce kept in `oauth_flows` under the state's hash), and the return
 * (the flow spent whatever happens, the strategy's checks, the provider's answer kept under a
 * one-time code for the frontend). The accounts it leads to are ProviderLoginService's.
 */
@Injectable()
export class ProviderFlowsService {
  private readonly logger = new Logger(ProviderFlowsService.name);

  constructor(
    private readonly strategies: ProviderStrategies,
    private readonly flows: OAuthFlowsRepository,
    private readonly config: AppConfig,
  ) {}

  /** The provider's authorization address for this flow. */
  async begin(providerId: string, requestedReturn: string | undefined, starter: FlowStarter): Promise<string> {
    const returnUrl = allowedReturnUrl(requestedReturn, this.config.oauth);
    const strategy = await this.strategies.get(providerId);
    const outcome = await runStrategy(strategy, '');
    if (!('redirect' in outcome)) throw problem(ErrorCode.PROVIDER_UNAVAILABLE);
    const state = new URL(outcome.redirect).searchParams.get('state') ?? '';
    const flow = {
      provider: providerId,
      browserHash: 'browser' in starter ? sha256Hex(starter.browser) : null,
      userId: 'userId' in starter ? starter.userId : null,
      checks: outcome.checks,
      returnUrl,
    };
    await this.flows.saveFlow(sha256Hex(state), flow, FLOW_SECONDS);
    return outcome.redirect;
  }

  /**
   * The provider's return. Without a flow of this provider for its state (forged, replayed,
   * expired), or from a browser other than a login's own, it is refused here (400) and goes
   * nowhere: no address can be trusted. Else the browser goes back to the frontend.
   */
  async finish(providerId: string, query: string, browser: string | undefined): Promise<FlowReturn> {
    this.strategies.settingsOf(providerId);
    const params = new URLSearchParams(query.length <= MAX_QUERY ? query : '');
    const state = params.get('state');
    if (!state || state.length > MAX_STATE) throw problem(ErrorCode.OAUTH_STATE_INVALID);
    const flow = await this.flows.spendFlow(sha256Hex(state), providerId);
    if (!flow || (flow.browserHash !== null && (browser === undefined || sha256Hex(browser) !== flow.browserHash))) {
      throw problem(ErrorCode.OAUTH_STATE_INVALID);
    }
    const { returnUrl } = flow;
    if (params.has('error')) return { returnUrl, error: ErrorCode.PROVIDER_LOGIN_FAILED };
    const outcome = await runStrategy(await this.strategies.get(providerId), query, flow.checks);
    if (!('profile' in outcome)) {
      this.logger.warn(`A return from provider "${providerId}" was refused: ${'failure' in outcome ? outcome.failure : 'redirect'}`);
      return { returnUrl, error: ErrorCode.PROVIDER_LOGIN_FAILED };
    }
    const code = newSecretToken();
    await this.flows.saveResult(sha256Hex(code), { provider: providerId, userId: flow.userId, profile: outcome.profile }, EXCHANGE_SECONDS);
    return { returnUrl, code };
  }
}
