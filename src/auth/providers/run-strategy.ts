import type { ProviderProfile } from './provider-profile';
import type { ProviderStrategy } from './provider.strategy';

/** What one pass of a provider strategy came to. */
export type StrategyOutcome =
  | { redirect: string; checks: Record<string, unknown> }
  | { profile: ProviderProfile }
  | { failure: string };

/**
 * Runs a provider strategy through passport on a request of its own making: the return's query
 * (or none, to begin), and `checks` as the strategy's "session", which it writes when it begins
 * and reads back on the return. Passport ends a redirect by writing to the response; here the
 * response is a stand-in that hands the address back, and Fastify answers.
 */
export function runStrategy(strategy: ProviderStrategy, query: string, checks: Record<string, unknown> = {}): Promise<StrategyOutcome> {
  const session: Record<string, unknown> = { checks };
  const url = `/${query && `?${query}`}`;
  const request = { method: 'GET', url, originalUrl: url, protocol: 'https', host: 'localhost', headers: {}, session };
  return new Promise((resolve) => {
    let location = '';
    const response = {
      statusCode: 0,
      setHeader: (name: string, value: string) => {
        if (name.toLowerCase() === 'location') location = value;
      },
      end: () => resolve({ redirect: location, checks: session.checks as Record<string, unknown> }),
    };
    const done = (error: unknown, profile: ProviderProfile | false | undefined) => {
      if (error || !profile) resolve({ failure: failureReason(error) });
      else resolve({ profile });
    };
    // Passport sets a request's success, fail and redirect on the strategy it is given: given an
    // instance, each request must have its own (as passport makes for a strategy named), or two
    // logins at once answer each other's.
    const perRequest = Object.create(strategy) as ProviderStrategy;
    strategy.getPassportInstance().authenticate(perRequest, { session: false }, done)(request, response, (error: unknown) =>
      resolve({ failure: failureReason(error) }),
    );
  });
}

/** A reason for the log: a library's error code or class, never a token or the provider's own words. */
function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'refused';
  const code = (error as { error?: unknown }).error ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : error.name;
}
