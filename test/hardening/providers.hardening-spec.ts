import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { CookieJar, location, throughProvider, useTestProviders, visit } from '../support/oauth-servers';
import { useApp } from '../support/test-app';
import { uniqueEmail } from '../support/unique';

/**
 * The provider routes under random input, as an outsider would send it: provider ids, return
 * addresses and queries of any shape; real returns (a real, unspent state of this browser) with
 * their code, `iss` or other parameters damaged or added, so that the strategy itself meets them;
 * random exchange bodies and damaged codes; random link and unlink requests. Every answer is a
 * 4xx problem or a redirect (a return with a valid state goes back with ?error=), never a 5xx;
 * afterwards both providers still sign in. FUZZ_SEED replays a run.
 */
const RUNS = 1_200;
const REAL_RETURNS = 150;
const SEED = process.env.FUZZ_SEED ? Number.parseInt(process.env.FUZZ_SEED, 10) : randomInt(2 ** 31 - 1);
const FRONTEND = 'http://localhost:4300';

const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.webUrl(), fc.constant(''), fc.constant('A'.repeat(3000)));

/** A query of random parameters, some of them the ones a return carries. */
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('state', 'code', 'iss', 'error', 'error_description', 'session_state', 'scope'), fc.string({ maxLength: 12 })), text), { maxLength: 6 })
  .map((pairs) => new URLSearchParams(pairs).toString());

describe(`sign-in providers under random input (seed ${SEED}, ${RUNS + REAL_RETURNS} requests)`, () => {
  const providers = useTestProviders();
  const { idp, github } = providers;
  const { api } = useApp(() => ({ ...providers.env(), APP_URL: FRONTEND, RATE_LIMIT_AUTH_PER_MINUTE: '1000000' }), { checkContract: false });

  /** An answer is a 4xx problem, or a redirect that goes only to the frontend. */
  async function expectHandled(response: Response, what: string): Promise<void> {
    if (response.status === 302) {
      expect({ what, to: new URL(response.headers.get('location') ?? '', 'http://x').origin }).toEqual({ what, to: FRONTEND });
      return;
    }
    expect({ what, status: response.status }).toEqual({ what, status: expect.any(Number) });
    expect({ what, clientError: response.status >= 400 && response.status < 500 }).toEqual({ what, clientError: true });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }

  /** A real return from GitHub: a flow begun in `jar`'s browser, its callback address (not visited). */
  async function githubReturn(jar: CookieJar): Promise<string> {
    github.nextUser = { id: randomInt(1e9), login: 'fuzz', email: uniqueEmail('fuzz'), verified: true };
    const begin = `${api.baseUrl}/auth/oauth/github`;
    const authorize = location(await visit(begin, jar), begin);
    return location(await visit(authorize, jar), authorize);
  }

  it('answers every request with a 4xx problem or a redirect to the frontend, and both providers still sign in', async () => {
    const { token } = await api.register();
    const requests = fc.oneof(
      fc.record({ kind: fc.constant('start' as const), provider: fc.oneof(fc.constantFrom('idp', 'github'), fc.string({ maxLength: 40 })), redirect: fc.option(text) }),
      fc.record({ kind: fc.constant('callback' as const), provider: fc.oneof(fc.constantFrom('idp', 'github'), fc.string({ maxLength: 40 })), query, cookie: fc.option(text) }),
      fc.record({ kind: fc.constant('exchange' as const), body: fc.oneof(fc.jsonValue(), fc.record({ code: fc.oneof(text, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)) })) }),
      fc.record({ kind: fc.constant('link' as const), provider: fc.string({ maxLength: 40 }), body: fc.jsonValue() }),
      fc.record({ kind: fc.constant('unlink' as const), id: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })), body: fc.jsonValue() }),
    );
    const samples = fc.sample(requests, { numRuns: RUNS, seed: SEED });
    for (const request of samples) {
      const what = JSON.stringify(request).slice(0, 300);
      let response: Response;
      if (request.kind === 'start') {
        const redirect = request.redirect === null ? '' : `?redirect_to=${encodeURIComponent(request.redirect)}`;
        response = await fetch(`${api.baseUrl}/auth/oauth/${encodeURIComponent(request.provider)}${redirect}`, { redirect: 'manual' });
        // A real start goes to the provider.
        if (response.status === 302 && ['idp', 'github'].includes(request.provider)) continue;
      } else if (request.kind === 'callback') {
        const headers: Record<string, string> = request.cookie === null ? {} : { cookie: `oauth_browser=${encodeURIComponent(request.cookie)}` };
        response = await fetch(`${api.baseUrl}/auth/oauth/${encodeURIComponent(request.provider)}/callback?${request.query}`, { redirect: 'manual', headers });
      } else if (request.kind === 'exchange') {
        response = await fetch(`${api.baseUrl}/auth/oauth/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) });
      } else if (request.kind === 'link') {
        response = await fetch(`${api.baseUrl}/users/identities/${encodeURIComponent(request.provider)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(request.body),
        });
        if (response.status === 200) continue;
      } else {
        response = await fetch(`${api.baseUrl}/users/identities/${encodeURIComponent(request.id)}`, {
          method: 'DELETE',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(request.body),
        });
      }
      await expectHandled(response, what);
    }

    // Real returns, damaged: the state is right, so the strategy meets the rest.
    const damages = fc.sample(
      fc.oneof(
        fc.record({ param: fc.constantFrom('code', 'iss', 'error', 'scope'), value: text }),
        fc.record({ param: fc.string({ maxLength: 12 }).filter((name) => name !== 'state'), value: text }),
      ),
      { numRuns: REAL_RETURNS, seed: SEED },
    );
    for (const damage of damages) {
      const jar = new CookieJar();
      const callback = new URL(await githubReturn(jar));
      callback.searchParams.set(damage.param, damage.value);
      const response = await visit(callback.href, jar);
      await expectHandled(response, JSON.stringify(damage).slice(0, 300));
    }

    // Afterwards both still work.
    const jar = new CookieJar();
    const returned = new URL(location(await visit(await githubReturn(jar), jar), api.baseUrl));
    expect((await api.post('/auth/oauth/exchange', { body: { code: returned.searchParams.get('code') } })).status).toBe(200);
    idp.accounts.set('after', { email: uniqueEmail('after'), email_verified: true });
    const idpJar = new CookieJar();
    const begin = `${api.baseUrl}/auth/oauth/idp`;
    const url = await throughProvider(location(await visit(begin, idpJar), begin), idpJar, 'after', api.baseUrl);
    const back = new URL(location(await visit(url, idpJar), url));
    expect((await api.post('/auth/oauth/exchange', { body: { code: back.searchParams.get('code') } })).status).toBe(200);
  });
});
