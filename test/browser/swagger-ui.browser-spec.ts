import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Locator, type Page } from 'playwright-core';
import { AppConfig } from '../../src/config/app-config';
import { png } from '../support/images';
import { launchChromium } from '../support/chromium';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Swagger UI in a real browser: Debian's Chromium (apt-get install chromium), driven by
 * playwright-core, whose own browser downloads are never used. A frontend developer opens
 * /docs, authorizes with a bearer token, and runs "Try it out" on PUT /users; a person who forgot
 * their password asks for a reset there, follows the mail the test's SMTP server received, and logs in;
 * and a picture chosen in PUT /users/avatar's file chooser is shown by an <img> on another page.
 */
const ARTIFACTS = resolve(__dirname, '../artifacts');
const SCREENSHOT = join(ARTIFACTS, 'swagger-put-users.png');
const FAILURE_SCREENSHOT = join(ARTIFACTS, 'swagger-put-users-failure.png');
const RESET_SCREENSHOT = join(ARTIFACTS, 'swagger-password-reset.png');
const AVATAR_SCREENSHOT = join(ARTIFACTS, 'swagger-upload-avatar.png');
const NEW_NAME = 'Changed In Browser';

describe('Swagger UI in Chromium', () => {
  let testApp: TestApp;
  let sink: SmtpSink;
  let userDataDir: string;
  let context: BrowserContext | undefined;
  /** What the page reported that a person would not see: console errors, CSP refusals, failed loads. */
  const problems: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    testApp = await startTestApp({ MAIL_TRANSPORT: sink.url });
    userDataDir = mkdtempSync(join(tmpdir(), 'swagger-ui-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(FAILURE_SCREENSHOT, { force: true });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await testApp?.close();
    await sink?.stop();
  });

  beforeEach(() => {
    problems.length = 0;
  });

  function watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on('response', (response) => {
      // The only 4xx/5xx a person should meet here is none: every Try it out here succeeds.
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
  }

  /**
   * Opens Chromium on one page, runs `work`, and closes it. On failure, what the page looked like
   * and what it reported are kept; the run's own screenshot is not taken then.
   */
  async function inBrowser(name: string, work: (page: Page) => Promise<void>): Promise<void> {
    const started = performance.now();
    context = await launchChromium(userDataDir, {
      viewport: { width: 1280, height: 1600 },
    });
    const launched = performance.now();
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page);
    // CSP refusals are reported to the page as events; the console message alone can be missed.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
      });
    });
    try {
      await work(page);
    } catch (error) {
      await page.screenshot({ path: FAILURE_SCREENSHOT, fullPage: true }).catch(() => undefined);
      console.error(`Swagger UI failed; screenshot ${FAILURE_SCREENSHOT}; the page reported:\n${problems.join('\n')}`);
      throw error;
    } finally {
      await context.close();
      context = undefined;
    }
    const finished = performance.now();
    console.info(
      `Swagger UI browser test (${name}): ${Math.round(finished - started)} ms in Chromium ` +
        `(launch ${Math.round(launched - started)} ms, page and clicks ${Math.round(finished - launched)} ms)`,
    );
  }

  it('authorizes with a bearer token and changes the profile with "Try it out" on PUT /users', async () => {
    const { api } = testApp;
    const { token, user } = await api.register({ name: 'Before Browser' });
    expect(user.name).toBe('Before Browser');

    await inBrowser('PUT /users', async (page) => {
      await openDocs(page);
      await authorize(page, token);
      const { request, shown } = await tryItOut(page, 'users-updateProfile', { name: NEW_NAME }, 200);
      expect(request.headers().authorization).toBe(`Bearer ${token}`);
      expect(shown).toMatchObject({ id: user.id, email: user.email, name: NEW_NAME });
      expect(shown).not.toHaveProperty('password_hash');
      await screenshotDownTo(page, 'users-updateProfile', SCREENSHOT);
    });

    expect(problems).toEqual([]);
    // And the service agrees: the change was stored, not only shown.
    const me = await api.get('/users', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, name: NEW_NAME });
    expect(api.contractViolations).toEqual([]);
  }, 120_000);

  it('asks for a password reset, follows the mailed link and logs in with the new password', async () => {
    const { api } = testApp;
    const { user, password } = await api.register({ name: 'Forgetful' });
    const newPassword = 'remembered in the browser';

    await inBrowser('password reset', async (page) => {
      await openDocs(page);
      // No bearer token: a person who forgot their password has none.
      const forgot = await tryItOut(page, 'auth-forgotPassword', { email: user.email }, 202);
      expect(forgot.request.headers().authorization).toBeUndefined();

      // The mail, as it arrived at the test's SMTP server.
      const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === 'Reset your password');
      const [link] = sink.linksIn(mail);
      expect(link.startsWith(`${testApp.app.get(AppConfig).mail.linkBaseUrl}/reset-password?token=`)).toBe(true);
      const token = new URL(link).searchParams.get('token');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      await tryItOut(page, 'auth-resetPassword', { token, new_password: newPassword }, 204);
      const login = await tryItOut(page, 'auth-login', { email: user.email, password: newPassword }, 200);
      expect(login.shown).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
      await screenshotDownTo(page, 'auth-login', RESET_SCREENSHOT);
    });

    expect(problems).toEqual([]);
    // The old password is gone and the new one works outside the browser too.
    expect((await api.post('/auth/login', { body: { email: user.email, password } })).status).toBe(401);
    await expect(api.login(user.email, newPassword)).resolves.toEqual(expect.any(String));
    expect(api.contractViolations).toEqual([]);
  }, 120_000);

  it('uploads a picture with the file chooser of "Try it out" on PUT /users/avatar and shows it in an <img>', async () => {
    const { api } = testApp;
    const { token, user } = await api.register({ name: 'Camera Shy' });
    // Wider than tall and smaller than 512 × 512: kept at its size, so the proportions show too.
    const picture = await png(300, 200, '#36c');

    await inBrowser('PUT /users/avatar', async (page) => {
      await openDocs(page);
      await authorize(page, token);
      const { request, shown } = await tryItOut(
        page,
        'users-uploadAvatar',
        (operation) =>
          operation
            .locator('.opblock-section-request-body input[type="file"]')
            .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture }),
        200,
      );
      expect(request.headers().authorization).toBe(`Bearer ${token}`);
      expect(request.headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(shown).toMatchObject({ id: user.id, image_path: expect.stringMatching(/^\/avatars\/[0-9a-f]{64}\.webp$/) });
      await screenshotDownTo(page, 'users-uploadAvatar', AVATAR_SCREENSHOT);

      // Shown the way a frontend on another origin shows it, which is what the served
      // Cross-Origin-Resource-Policy: cross-origin is for. Not on about:blank: Chromium's Private
      // Network Access refuses a null-origin page anything from loopback; a page of its own on
      // another loopback port is allowed.
      const frontend = await servePage(`<img id="avatar" alt="avatar" src="${api.baseUrl}${shown.image_path}">`);
      try {
        await page.goto(frontend.url);
        const size = await page.locator('img#avatar').evaluate(async (img: HTMLImageElement) => {
          await img.decode(); // rejects if the picture did not load or could not be decoded
          return { width: img.naturalWidth, height: img.naturalHeight };
        });
        expect(size).toEqual({ width: 300, height: 200 });
      } finally {
        await frontend.close();
      }
    });

    expect(problems).toEqual([]);
    // The service shows the same picture to the account.
    const me = await api.get('/users', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, image_path: expect.stringMatching(/^\/avatars\/[0-9a-f]{64}\.webp$/) });
    expect(api.contractViolations).toEqual([]);
  }, 120_000);

  async function openDocs(page: Page): Promise<void> {
    const docs = await page.goto(`${testApp.api.baseUrl}/docs`, { waitUntil: 'load' });
    expect(docs?.status()).toBe(200);
    const title = page.locator('.swagger-ui .information-container .title');
    await title.waitFor();
    await expect(title.innerText()).resolves.toMatch(/User accounts/);
  }

  /** The bearer scheme's dialog: (Logout of an earlier token,) token in, Authorize, Close. */
  async function authorize(page: Page, token: string): Promise<void> {
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    // Swagger UI keeps a token across visits (persistAuthorization) and the tests share one
    // Chromium profile, so an earlier test's token may still be there: log it out first.
    const tokenInput = dialog.locator('input#auth-bearer-value');
    const logout = dialog.getByRole('button', { name: 'Remove authorization' });
    await tokenInput.or(logout).waitFor();
    if (await logout.isVisible()) await logout.click();
    await tokenInput.fill(token);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    // Authorized: the dialog says so and offers Logout in place of Authorize.
    await dialog.locator('.auth-container h6', { hasText: 'Authorized' }).waitFor();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await dialog.locator('.auth-btn-wrapper button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.locator('.scheme-container button.authorize').getAttribute('class')).resolves.toMatch(
      /\blocked\b/,
    );
  }

  /**
   * One operation's "Try it out": expand, Try it out, replace the JSON body (or fill the form, for
   * a multipart body), Execute. Checks the status the service answered and the one the page shows,
   * and returns the body the page shows.
   */
  async function tryItOut(
    page: Page,
    operationId: string,
    body: object | ((operation: Locator) => Promise<void>),
    status: number,
  ) {
    const operation = page.locator(`#operations-${operationId}`);
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    if (typeof body === 'function') await body(operation);
    else await operation.locator('textarea.body-param__text').fill(JSON.stringify(body));
    const path = await operation.locator('.opblock-summary-path').first().getAttribute('data-path');
    const answered = page.waitForResponse((response) => response.url() === `${testApp.api.baseUrl}${path}`);
    await operation.locator('button.execute').click();
    const response = await answered;
    expect(response.status()).toBe(status);

    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor();
    await expect(live.locator('.response-col_status').first().innerText()).resolves.toBe(String(status));
    // The response body's block; the headers are shown in a pre of their own.
    const shownBody = live.locator('.response-col_description .highlight-code pre.microlight');
    const shown = (await shownBody.count()) > 0 ? JSON.parse(await shownBody.first().innerText()) : undefined;
    return { request: response.request(), shown };
  }

  /** One HTML page on its own loopback origin, as a frontend's dev server would serve it. */
  async function servePage(html: string): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/`,
      close: () =>
        new Promise<void>((closed) => {
          server.closeAllConnections(); // the browser's keep-alive connection would hold close() open
          server.close(() => closed());
        }),
    };
  }

  /** A screenshot from the page's top (title, Authorize) down to an operation's live response. */
  async function screenshotDownTo(page: Page, operationId: string, path: string): Promise<void> {
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator(`#operations-${operationId} .live-responses-table`).first().boundingBox();
    expect(box).not.toBeNull();
    await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box!.y + box!.height + 16) } });
  }
});
