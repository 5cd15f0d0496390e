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
    const done = (error: unknown, profile: ProviderProfile | false | undefined, info?: { message?: string }) => {
      if (error || !profile) resolve({ failure: failureReason(error, info) });
      else resolve({ profile });
    };
    strategy.getPassportInstance().authenticate(strategy, { session: false }, done)(request, response, (error: unknown) =>
      resolve({ failure: failureReason(error) }),
    );
  });
}

/** A reason for the audit trail and the log: a library's error code or class, never a token. */
function failureReason(error: unknown, info?: { message?: string }): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; error?: unknown }).error ?? (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return info?.message === 'access_denied' || info?.message?.includes('denied') ? 'access_denied' : 'refused';
}
