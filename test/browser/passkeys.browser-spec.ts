import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Passkeys in a real browser: Debian's Chromium with the DevTools protocol's virtual
 * authenticator (a platform authenticator that keeps discoverable credentials and verifies its
 * user), on a small page this test serves, as a frontend would write it: the service's options go
 * through PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON into
 * navigator.credentials, and the credential's toJSON() back to the service.
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Passkeys</title>
<script>
  async function call(api, path, body, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const response = await fetch(api + path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
    const answer = await response.json();
    if (!response.ok) throw new Error(path + ': ' + response.status + ' ' + answer.code);
    return answer;
  }
  async function registerPasskey(api, token) {
    const options = await call(api, '/users/passkeys/options', {}, token);
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    return call(api, '/users/passkeys', { credential: credential.toJSON(), name: 'Chromium' }, token);
  }
  async function signIn(api) {
    const options = await call(api, '/auth/passkey/options');
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    return call(api, '/auth/passkey/login', { credential: credential.toJSON() });
  }
  async function secondFactor(api, email, password) {
    const login = await call(api, '/auth/login', { email, password });
    const options = await call(api, '/auth/mfa/passkey/options', { mfa_token: login.mfa_token });
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    return { methods: login.methods, tokens: await call(api, '/auth/mfa/verify', { mfa_token: login.mfa_token, passkey: credential.toJSON() }) };
  }
</script>
<h1>Passkeys</h1>`;

describe('passkeys in Chromium (a virtual authenticator)', () => {
  let testApp: TestApp;
  let pages: Server;
  let pageOrigin: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    // WebAuthn needs a secure context and a host name for its relying party: http://localhost is both.
    pages = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE));
    await new Promise<void>((listening) => pages.listen(0, '127.0.0.1', listening));
    pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
    testApp = await startTestApp({ WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: pageOrigin, CORS_ORIGINS: pageOrigin });
    userDataDir = mkdtempSync(join(tmpdir(), 'passkeys-chromium-'));
    context = await launchChromium(userDataDir);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pageOrigin);
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await testApp?.close();
    await new Promise((closed) => pages?.close(closed));
  });

  it('registers a passkey, signs in with it alone, and finishes a password login with it', async () => {
    const api = testApp.api.baseUrl;
    const { token, user, password } = await testApp.api.register();

    const registered = await page.evaluate(([base, bearer]) => (window as any).registerPasskey(base, bearer), [api, token]);
    expect(registered).toMatchObject({ name: 'Chromium', last_used_at: null });
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toEqual([expect.objectContaining({ isResidentCredential: true, rpId: 'localhost' })]);

    const signedIn = await page.evaluate((base) => (window as any).signIn(base), api);
    const me = await testApp.api.get('/users', { token: signedIn.access_token });
    expect(me.body).toMatchObject({ id: user.id, mfa: { totp: false, passkeys: 1 } });

    const finished = await page.evaluate(([base, email, secret]) => (window as any).secondFactor(base, email, secret), [api, user.email, password]);
    expect(finished.methods).toEqual(['webauthn', 'recovery_code']);
    expect((await testApp.api.get('/users', { token: finished.tokens.access_token })).status).toBe(200);
    // The authenticator counted each signature; the service kept the last.
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0].signCount).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });
});
