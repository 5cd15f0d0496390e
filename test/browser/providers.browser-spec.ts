import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { useTestProviders } from '../support/oauth-servers';
import { startTestApp, type TestApp } from '../support/test-app';
import { uniqueEmail } from '../support/unique';

/**
 * A frontend as a team would write it: its login button is a navigation to the service, its
 * callback page exchanges the one-time code (with the bearer token when it began a linking) and
 * keeps what it got; its profile page begins a linking with a fetch and follows the address.
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Frontend</title>
<script>
  const api = new URLSearchParams(location.search).get('api') ?? sessionStorage.getItem('api');
  if (api) sessionStorage.setItem('api', api);
  async function call(method, path, body, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const response = await fetch(api + path, { method, headers, body: body && JSON.stringify(body) });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  }
  async function linkProvider(provider) {
    sessionStorage.setItem('linking', '1');
    const started = await call('POST', '/users/identities/' + provider, { redirect_to: location.origin + '/callback' }, sessionStorage.getItem('token'));
    location.assign(started.body.authorization_url);
  }
  window.outcome = (async () => {
    if (location.pathname !== '/callback') return null;
    const query = new URLSearchParams(location.search);
    // The code must not stay in the address bar or the history.
    history.replaceState(null, '', '/callback');
    if (query.has('error')) return { error: query.get('error') };
    const linking = sessionStorage.getItem('linking') === '1';
    sessionStorage.removeItem('linking');
    const answer = await call('POST', '/auth/oauth/exchange', { code: query.get('code') }, linking ? sessionStorage.getItem('token') : undefined);
    if (answer.body.access_token) sessionStorage.setItem('token', answer.body.access_token);
    return answer;
  })();
</script>
<h1>Frontend</h1>`;

describe('sign-in with other providers in Chromium', () => {
  const providers = useTestProviders();
  const { idp, github } = providers;
  let testApp: TestApp;
  let pages: Server;
  let frontend: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    pages = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE));
    await new Promise<void>((listening) => pages.listen(0, '127.0.0.1', listening));
    frontend = `http://localhost:${(pages.address() as AddressInfo).port}`;
    testApp = await startTestApp({ ...providers.env(), APP_URL: frontend, CORS_ORIGINS: frontend });
    userDataDir = mkdtempSync(join(tmpdir(), 'providers-chromium-'));
    context = await launchChromium(userDataDir);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${frontend}/?api=${encodeURIComponent(testApp.api.baseUrl)}`);
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await testApp?.close();
    await new Promise((closed) => pages?.close(closed));
  });

  /** What the callback page got, once the browser is back on it. */
  async function outcome(): Promise<{ status?: number; body?: any; error?: string }> {
    await page.waitForURL(`${frontend}/callback`);
    return page.evaluate(() => (window as any).outcome);
  }

  /** "Continue with Test IdP": a navigation to the service, the provider's login form (the first time), and back. */
  async function signInWithIdp(accountId: string) {
    await page.goto(`${testApp.api.baseUrl}/auth/oauth/idp?redirect_to=${encodeURIComponent(`${frontend}/callback`)}`);
    // The provider asks only when it has no session of its own yet.
    if (page.url().startsWith(`${idp.issuer}/interaction/`)) {
      await page.fill('input[name=login]', accountId);
      await page.click('button');
    }
    return outcome();
  }

  async function signInWithGithub() {
    await page.goto(`${testApp.api.baseUrl}/auth/oauth/github?redirect_to=${encodeURIComponent(`${frontend}/callback`)}`);
    return outcome();
  }

  it('signs up with the OpenID Connect provider, links GitHub from the profile, logs in with each, and unlinks one', async () => {
    const email = uniqueEmail('browser');
    idp.accounts.set('grace', { email, email_verified: true, name: 'Grace Hopper' });
    const signedUp = await signInWithIdp('grace');
    expect(signedUp.status).toBe(200);
    // The code left the address bar once used.
    expect(page.url()).toBe(`${frontend}/callback`);
    const token = signedUp.body.access_token as string;
    const me = (await testApp.api.get('/users', { token })).body;
    expect(me).toMatchObject({ email, name: 'Grace Hopper', email_verified: true });

    github.nextUser = { id: 4242, login: 'grace-h', email: uniqueEmail('grace-github'), verified: true };
    // From the profile page: the script's fetch, then a navigation to the address it got.
    await page.goto(`${frontend}/profile`);
    await page.evaluate(() => (window as any).linkProvider('github')).catch(() => undefined);
    const linked = await outcome();
    expect(linked).toMatchObject({ status: 200, body: { linked: { provider: 'github' } } });

    const withGithub = await signInWithGithub();
    expect((await testApp.api.get('/users', { token: withGithub.body.access_token })).body.id).toBe(me.id);
    const withIdp = await signInWithIdp('grace');
    expect((await testApp.api.get('/users', { token: withIdp.body.access_token })).body.id).toBe(me.id);

    const identities = (await testApp.api.get('/users/identities', { token })).body as { id: string; provider: string }[];
    const idpIdentity = identities.find((identity) => identity.provider === 'idp')!;
    const unlinked = await page.evaluate(([id, bearer]) => fetch(`${sessionStorage.getItem('api')}/users/identities/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${bearer}` } }).then((r) => r.status), [idpIdentity.id, token]);
    expect(unlinked).toBe(204);

    // GitHub still signs in; the provider unlinked now meets an account with its address: never linked again by itself.
    expect((await testApp.api.get('/users', { token: (await signInWithGithub()).body.access_token })).body.id).toBe(me.id);
    const again = await signInWithIdp('grace');
    expect(again).toMatchObject({ status: 409, body: { code: 'ACCOUNT_EXISTS', sign_in_methods: { has_password: false, has_passkey: false, providers: ['github'] } } });
    expect(problems).toEqual([]);
  });
});
