import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { SmtpSink } from '../support/smtp-sink';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app';
import { uniqueEmail } from '../support/unique';

/**
 * The pages the mail links open, in a real browser: Debian's Chromium (apt-get install chromium),
 * driven by playwright-core, as in swagger-ui.browser-spec.ts. A new user confirms their address
 * from the link in the mail; a person who forgot their password sets a new one through the
 * page and logs in with it; an invited person chooses a password and logs in. Each page, form
 * and outcome, is kept as a screenshot at a phone's width and a desktop's, in test/artifacts/pages/.
 */
const SCREENSHOTS = resolve(__dirname, '../artifacts/pages');
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
/** The pages whose forms a test sends refused on purpose (a weak password: 400). */
const REFUSED_ON_PURPOSE = /\/(reset-password|accept-invite)$/;

describe('the mail links’ pages in Chromium', () => {
  let testApp: TestApp;
  let sink: SmtpSink;
  let userDataDir: string;
  let context: BrowserContext | undefined;
  /** What the page reported that a person would not see: console errors, CSP refusals, failed loads. */
  const problems: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    testApp = await startTestApp({ MAIL_TRANSPORT: sink.url });
    userDataDir = mkdtempSync(join(tmpdir(), 'mail-pages-chromium-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
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
      if (message.type() !== 'error') return;
      // Chromium logs a page answered 400 as a failed load: expected where the test sends a weak password.
      const expected = message.text().startsWith('Failed to load resource') && REFUSED_ON_PURPOSE.test(message.location().url);
      if (!expected) problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on('request', (request) => {
      // Nothing but the service itself: no third party ever sees a page, nor its token.
      if (!request.url().startsWith(testApp.api.baseUrl)) problems.push(`request elsewhere: ${request.url()}`);
    });
    page.on('response', (response) => {
      // The stylesheet and every page of these flows answer 2xx; a refused step is asserted where it is meant.
      if (response.status() >= 400 && !REFUSED_ON_PURPOSE.test(response.url())) {
        problems.push(`HTTP ${response.status()}: ${response.url()}`);
      }
    });
  }

  /** Opens Chromium at a desktop's size, runs `work`, and closes it; on failure the page is kept as a screenshot. */
  async function inBrowser(name: string, work: (page: Page) => Promise<void>): Promise<void> {
    context = await launchChromium(userDataDir, {
      viewport: VIEWPORTS.desktop,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    watch(page);
    // CSP refusals are reported to the page as events; the console message alone can be missed.
    // (Playwright's init script is the browser's, not the page's: the page's policy does not apply to it.)
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
      });
    });
    try {
      await work(page);
    } catch (error) {
      const failure = join(SCREENSHOTS, `${name}-failure.png`);
      await page.screenshot({ path: failure, fullPage: true }).catch(() => undefined);
      console.error(`${name} failed; screenshot ${failure}; the page reported:\n${problems.join('\n')}`);
      throw error;
    } finally {
      await context.close();
      context = undefined;
    }
  }

  /**
   * The page a mail's link opens. The link names the service's own public URL (PUBLIC_URL,
   * http://localhost:3000 by default); the test's service listens on a port of its own, so the
   * browser goes to the same path and token there.
   */
  async function openLink(page: Page, to: string, subject: string, path: string): Promise<void> {
    const [link] = sink.linksIn(await sink.nextMail(to, subject));
    const url = new URL(link);
    expect(url.pathname).toBe(`/${path}`);
    const response = await page.goto(`${testApp.api.baseUrl}${url.pathname}${url.search}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'/);
  }

  /** The page as it is now, at a phone's width and at a desktop's; at the phone's, nothing wider than the screen. */
  async function screenshots(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      const overflow = await page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
      expect({ name, size, overflow }).toEqual({ name, size, overflow: 0 });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  }

  /** Presses the form's button; answers the status of the page it posted to. */
  async function submit(page: Page): Promise<number | undefined> {
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('button[type="submit"]').click()]);
    return response?.status();
  }

  /** The styled page: the stylesheet applied (the button is the service's blue, full width). */
  async function expectStyled(page: Page): Promise<void> {
    const button = page.locator('button[type="submit"]');
    await expect(button.evaluate((element) => getComputedStyle(element).backgroundColor)).resolves.toBe('rgb(31, 95, 214)');
  }

  it('confirms a new address from the link in the sign-up mail', async () => {
    const { user, token } = await testApp.api.register({ email: uniqueEmail('browser') });

    await inBrowser('verify-email', async (page) => {
      await openLink(page, user.email, 'Confirm your email address', 'verify-email');
      await expect(page.locator('h1').innerText()).resolves.toBe('Confirm your email address');
      await expectStyled(page);
      await screenshots(page, 'verify-email-form');
      expect(await submit(page)).toBe(200);
      await expect(page.locator('h1').innerText()).resolves.toBe('Your email address is confirmed');
      await screenshots(page, 'verify-email-done');
    });

    expect(problems).toEqual([]);
    expect((await testApp.api.get('/users', { token })).body.email_verified).toBe(true);
  }, 120_000);

  it('sets a new password through the reset link (a weak one is refused with the rule), then logs in with it', async () => {
    const { api } = testApp;
    const { user, password } = await api.register({ email: uniqueEmail('browser') });
    expect((await api.post('/auth/password/forgot', { body: { email: user.email } })).status).toBe(202);
    const newPassword = 'copper kettle sings at dawn';

    await inBrowser('reset-password', async (page) => {
      await openLink(page, user.email, 'Reset your password', 'reset-password');
      await expect(page.locator('h1').innerText()).resolves.toBe('Choose a new password');
      await screenshots(page, 'reset-password-form');

      await page.getByLabel('New password', { exact: true }).fill('password123');
      await page.getByLabel('New password, again').fill('password123');
      expect(await submit(page)).toBe(400);
      await expect(page.getByRole('alert').innerText()).resolves.toContain('too easy to guess');
      await expect(page.locator('#password-rule').innerText()).resolves.toContain('Use 8 to 72 characters.');
      await screenshots(page, 'reset-password-weak');

      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('New password, again').fill(newPassword);
      expect(await submit(page)).toBe(200);
      await expect(page.locator('h1').innerText()).resolves.toBe('Your password is changed');
      await screenshots(page, 'reset-password-done');
    });

    expect(problems).toEqual([]);
    await expect(api.login(user.email, newPassword)).resolves.toEqual(expect.any(String));
    expect((await api.post('/auth/login', { body: { email: user.email, password } })).status).toBe(401);
  }, 120_000);

  it('accepts an invitation: the invited person chooses a password and logs in', async () => {
    const { api } = testApp;
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const email = uniqueEmail('browser');
    expect((await api.post('/api/users', { token: admin, body: { email, name: 'Invited Ines' } })).status).toBe(201);
    const chosen = 'ines walks the blue meadow';

    await inBrowser('accept-invite', async (page) => {
      await openLink(page, email, 'Your new account', 'accept-invite');
      await expect(page.locator('h1').innerText()).resolves.toBe('Welcome! Choose your password');
      await screenshots(page, 'accept-invite-form');
      await page.getByLabel('New password', { exact: true }).fill(chosen);
      await page.getByLabel('New password, again').fill(chosen);
      expect(await submit(page)).toBe(200);
      await expect(page.locator('h1').innerText()).resolves.toBe('Your account is ready');
      await screenshots(page, 'accept-invite-done');
    });

    expect(problems).toEqual([]);
    const access = await api.login(email, chosen);
    expect((await api.get('/users', { token: access })).body).toMatchObject({ email, email_verified: true });
  }, 120_000);

  it("shows a used link's page in its account's language, and an unknown link's in the browser's", async () => {
    const { user, token: access } = await testApp.api.register({ email: uniqueEmail('browser') });
    const [link] = sink.linksIn(await sink.nextMail(user.email, 'Confirm your email address'));
    const token = new URL(link).searchParams.get('token')!;
    expect((await testApp.api.post('/auth/verify-email', { body: { token } })).status).toBe(200);
    expect((await testApp.api.put('/users', { token: access, body: { locale: 'es' } })).status).toBe(200);

    for (const [browserLocale, path, name] of [
      ['en-US', `/verify-email?token=${token}`, 'verify-email-used-es'],
      ['es-ES', `/reset-password?token=${'x'.repeat(43)}`, 'reset-password-unknown-es'],
    ]) {
      context = await launchChromium(userDataDir, {
        viewport: VIEWPORTS.desktop,
        locale: browserLocale,
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        page.on('console', (message) => {
          if (message.type() === 'error' && !message.text().includes('400')) problems.push(`console error: ${message.text()}`);
        });
        const response = await page.goto(`${testApp.api.baseUrl}${path}`);
        expect(response?.status()).toBe(400);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
        await expect(page.locator('h1').innerText()).resolves.toBe('Este enlace ya no funciona');
        await screenshots(page, name);
      } finally {
        await context.close();
        context = undefined;
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
