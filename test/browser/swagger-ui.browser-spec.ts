import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Swagger UI in a real browser: Debian's Chromium (apt-get install chromium), driven by
 * playwright-core, whose own browser downloads are never used. A frontend developer opens
 * /docs, authorizes with a bearer token, and runs "Try it out" on PUT /users.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = resolve(__dirname, '../artifacts');
const SCREENSHOT = join(ARTIFACTS, 'swagger-put-users.png');
const FAILURE_SCREENSHOT = join(ARTIFACTS, 'swagger-put-users-failure.png');
const NEW_NAME = 'Changed In Browser';

describe('Swagger UI in Chromium', () => {
  let testApp: TestApp;
  let userDataDir: string;
  let context: BrowserContext | undefined;
  /** What the page reported that a person would not see: console errors, CSP refusals, failed loads. */
  const problems: string[] = [];

  beforeAll(async () => {
    testApp = await startTestApp();
    userDataDir = mkdtempSync(join(tmpdir(), 'swagger-ui-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(FAILURE_SCREENSHOT, { force: true });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await testApp?.close();
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
      // The only 4xx/5xx a person should meet here is none: Try it out answers 200.
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
  }

  it('authorizes with a bearer token and changes the profile with "Try it out" on PUT /users', async () => {
    const { api } = testApp;
    const { token, user } = await api.register({ name: 'Before Browser' });
    expect(user.name).toBe('Before Browser');

    const started = performance.now();
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
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
      await useSwaggerUi(page, token, user);
    } catch (error) {
      // What the page looked like when it went wrong; the run's own screenshot is not taken then.
      await page.screenshot({ path: FAILURE_SCREENSHOT, fullPage: true }).catch(() => undefined);
      console.error(`Swagger UI failed; screenshot ${FAILURE_SCREENSHOT}; the page reported:\n${problems.join('\n')}`);
      throw error;
    }
    await context.close();
    context = undefined;
    const finished = performance.now();
    console.info(
      `Swagger UI browser test: ${Math.round(finished - started)} ms in Chromium ` +
        `(launch ${Math.round(launched - started)} ms, page and clicks ${Math.round(finished - launched)} ms); ` +
        `screenshot ${SCREENSHOT}`,
    );

    expect(problems).toEqual([]);
    // And the service agrees: the change was stored, not only shown.
    const me = await api.get('/users', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, name: NEW_NAME });
    expect(api.contractViolations).toEqual([]);
  }, 120_000);

  /** What a person does on /docs: authorize, then "Try it out" on PUT /users. */
  async function useSwaggerUi(page: Page, token: string, user: { id: number; email: string }): Promise<void> {
    const { api } = testApp;
    const docs = await page.goto(`${api.baseUrl}/docs`, { waitUntil: 'load' });
    expect(docs?.status()).toBe(200);
    await page.locator('.swagger-ui .information-container .title').waitFor();
    await expect(page.locator('.swagger-ui .information-container .title').innerText()).resolves.toMatch(
      /User accounts/,
    );

    // Authorize: the bearer scheme's dialog, token in, Authorize, Close.
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    await dialog.locator('input#auth-bearer-value').fill(token);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    // Authorized: the dialog says so and offers Logout in place of Authorize.
    await dialog.locator('.auth-container h6', { hasText: 'Authorized' }).waitFor();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await dialog.locator('.auth-btn-wrapper button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.locator('.scheme-container button.authorize').getAttribute('class')).resolves.toMatch(
      /\blocked\b/,
    );

    // PUT /users: expand, Try it out, replace the body, Execute.
    const operation = page.locator('#operations-users-updateProfile');
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    const body = operation.locator('textarea.body-param__text');
    await body.fill(JSON.stringify({ name: NEW_NAME }));
    const answered = page.waitForResponse(
      (response) => response.url() === `${api.baseUrl}/users` && response.request().method() === 'PUT',
    );
    await operation.locator('button.execute').click();
    const response = await answered;
    expect(response.request().headers().authorization).toBe(`Bearer ${token}`);
    expect(response.status()).toBe(200);

    // What the page shows: the live response's code and its body with the new name.
    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor();
    await expect(live.locator('.response-col_status').first().innerText()).resolves.toBe('200');
    const shownBody = live.locator('.response-col_description pre.microlight').first();
    await expect(shownBody.innerText()).resolves.toContain(`"name": "${NEW_NAME}"`);
    const shown = JSON.parse(await shownBody.innerText());
    expect(shown).toMatchObject({ id: user.id, email: user.email, name: NEW_NAME });
    expect(shown).not.toHaveProperty('password_hash');

    // The screenshot: from the page's top (title, locked Authorize) down to the live response.
    await page.evaluate(() => window.scrollTo(0, 0));
    const liveBox = await operation.locator('.live-responses-table').first().boundingBox();
    expect(liveBox).not.toBeNull();
    await page.screenshot({
      path: SCREENSHOT,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil(liveBox!.y + liveBox!.height + 16) },
    });
  }
});
