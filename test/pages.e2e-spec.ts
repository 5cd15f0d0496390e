import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { useMailedApp } from './support/mailed-app';
import { serviceOnFreePort, ServiceProcess } from './support/service-process';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { uniqueEmail } from './support/unique';

const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const FORM = 'application/x-www-form-urlencoded';

interface Page {
  status: number;
  headers: Headers;
  html: string;
}

/** A page of the service at `baseUrl`, as a browser asks for it: not through ApiClient, as no page is in openapi.json. */
async function page(baseUrl: string, method: 'GET' | 'POST', path: string, init: { form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Page> {
  const headers = { ...(init.form && { 'content-type': FORM }), ...init.headers };
  const response = await fetch(baseUrl + path, { method, headers, body: init.form && new URLSearchParams(init.form).toString() });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** What every page answer has: HTML, the page policy, no Referer, no stored copy, its language. */
function expectPageHeaders(answer: Page, lang = 'en'): void {
  expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(answer.headers.get('content-security-policy')).toBe(PAGE_CSP);
  expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('content-language')).toBe(lang);
  expect(answer.html).toContain(`<html lang="${lang}">`);
  expect(answer.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  // No script, nothing from elsewhere: the only resource is the service's stylesheet.
  expect(answer.html).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
  expect(answer.html).not.toMatch(/(src|href)="(https?:)?\/\//);
}

describe('the pages of the mail links', () => {
  const { api, sink } = useMailedApp();
  const get = (path: string, headers?: Record<string, string>) => page(api.baseUrl, 'GET', path, { headers });
  const post = (path: string, form: Record<string, string>, headers?: Record<string, string>) =>
    page(api.baseUrl, 'POST', path, { form, headers });

  /** The mail's link, checked to open the service's own page (PUBLIC_URL's default: APP_URL is unset); its path and token. */
  async function linkIn(to: string, subject: string, path: string) {
    const [link] = sink().linksIn(await sink().nextMail(to, subject));
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`http://localhost:3000/${path}`);
    return { path: `${url.pathname}${url.search}`, token: url.searchParams.get('token')! };
  }

  /** A new account whose address was proven through its page. */
  async function verifiedAccount() {
    const registered = await api.register({ email: uniqueEmail('pages') });
    const { token } = await linkIn(registered.user.email, 'Confirm your email address', 'verify-email');
    expect((await post('/verify-email', { token })).status).toBe(200);
    return { ...registered, email: registered.user.email as string };
  }

  it('verify-email: GET shows a form and spends nothing; its POST verifies; the used link then says so', async () => {
    const { user, token: access } = await api.register({ email: uniqueEmail('pages') });
    const link = await linkIn(user.email, 'Confirm your email address', 'verify-email');

    for (let i = 0; i < 2; i++) {
      const shown = await get(link.path);
      expect(shown.status).toBe(200);
      expectPageHeaders(shown);
      expect(shown.html).toContain('<h1>Confirm your email address</h1>');
      expect(shown.html).toContain('<form method="post" action="verify-email">');
      expect(shown.html).toContain(`<input type="hidden" name="token" value="${link.token}">`);
      expect(shown.html).toContain('<link rel="stylesheet" href="pages/style.css">');
    }
    expect((await api.get('/users', { token: access })).body.email_verified).toBe(false);

    const done = await post('/verify-email', { token: link.token });
    expect(done.status).toBe(200);
    expectPageHeaders(done);
    expect(done.html).toContain('Your email address is confirmed');
    expect(done.html).toContain('You can close this page and go back to the app.');
    expect((await api.get('/users', { token: access })).body.email_verified).toBe(true);

    for (const used of [await post('/verify-email', { token: link.token }), await get(link.path)]) {
      expect(used.status).toBe(400);
      expectPageHeaders(used);
      expect(used.html).toContain('This link does not work any more');
      expect(used.html).toContain('ask for a new confirmation email');
    }
  });

  it('reset-password: the form asks twice; a mismatch, a short and a weak password show it again with the rule; then the new password logs in', async () => {
    const { user, password } = await api.register({ email: uniqueEmail('pages') });
    expect((await api.post('/auth/password/forgot', { body: { email: user.email } })).status).toBe(202);
    const link = await linkIn(user.email, 'Reset your password', 'reset-password');

    const shown = await get(link.path);
    expect(shown.status).toBe(200);
    expectPageHeaders(shown);
    expect(shown.html).toContain('<label for="new_password">New password</label>');
    expect(shown.html).toContain('<label for="new_password_confirmation">New password, again</label>');
    expect(shown.html.match(/type="password" autocomplete="new-password"/g)).toHaveLength(2);
    expect(shown.html).toContain('Use 8 to 72 characters.');

    const newPassword = 'lantern orchard velvet ninety';
    const refusals = [
      [{ new_password: newPassword, new_password_confirmation: `${newPassword}!` }, 'The two passwords are not the same.'],
      [{ new_password: 'short', new_password_confirmation: 'short' }, 'too short or too long'],
      [{ new_password: 'password123', new_password_confirmation: 'password123' }, 'too easy to guess'],
      [{ new_password: user.email, new_password_confirmation: user.email }, 'too easy to guess'],
    ] as const;
    for (const [fields, reason] of refusals) {
      const refused = await post('/reset-password', { token: link.token, ...fields });
      expect({ status: refused.status, reason: refused.html.includes(reason) }).toEqual({ status: 400, reason: true });
      expectPageHeaders(refused);
      expect(refused.html).toContain('role="alert"');
      expect(refused.html).toContain('Use 8 to 72 characters.');
      // The form again, with the link's token and without the refused password.
      expect(refused.html).toContain(`<input type="hidden" name="token" value="${link.token}">`);
      expect(refused.html).not.toContain(`value="${fields.new_password}"`);
      if (fields.new_password.length >= 8) expect(refused.html).not.toContain(fields.new_password.replace('@', '&#64;'));
    }

    const done = await post('/reset-password', { token: link.token, new_password: newPassword, new_password_confirmation: newPassword });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Your password is changed');
    expect(done.html).toContain('You can now log in with your new password.');
    expect(await api.login(user.email, newPassword)).toEqual(expect.any(String));
    expect((await api.post('/auth/login', { body: { email: user.email, password } })).status).toBe(401);
    const used = await post('/reset-password', { token: link.token, new_password: newPassword, new_password_confirmation: newPassword });
    expect([used.status, used.html.includes('Forgot password')]).toEqual([400, true]);
  });

  it('accept-invite: an account an administrator made without a password gets one through the page, and logs in', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const email = uniqueEmail('pages');
    expect((await api.post('/api/users', { token: admin, body: { email, name: 'Invited Iris' } })).status).toBe(201);
    const link = await linkIn(email, 'Your new account', 'accept-invite');

    const shown = await get(link.path);
    expect(shown.status).toBe(200);
    expectPageHeaders(shown);
    expect(shown.html).toContain('Welcome! Choose your password');
    expect(shown.html).toContain('<form method="post" action="accept-invite">');

    const chosen = 'iris picked quiet harbour';
    const done = await post('/accept-invite', { token: link.token, new_password: chosen, new_password_confirmation: chosen });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Your account is ready');
    const access = await api.login(email, chosen);
    expect((await api.get('/users', { token: access })).body).toMatchObject({ email, email_verified: true });
  });

  it('confirm-email-change and cancel-email-change: each page makes its step, and the account follows', async () => {
    const { token: access, password, email: before } = await verifiedAccount();
    const after = uniqueEmail('pages');
    expect((await api.put('/users', { token: access, body: { email: after, current_password: password } })).status).toBe(200);
    const confirm = await linkIn(after, 'Confirm your new email address', 'confirm-email-change');
    const cancel = await linkIn(before, 'Your email address is being changed', 'cancel-email-change');

    const confirmShown = await get(confirm.path);
    expect([confirmShown.status, confirmShown.html.includes('Confirm your new email address')]).toEqual([200, true]);
    expect((await api.get('/users', { token: access })).body).toMatchObject({ email: before, pending_email: after });
    const confirmed = await post('/confirm-email-change', { token: confirm.token });
    expect([confirmed.status, confirmed.html.includes('Your email address is changed')]).toEqual([200, true]);
    expect(await api.login(after, password)).toEqual(expect.any(String));

    const cancelShown = await get(cancel.path);
    expect([cancelShown.status, cancelShown.html.includes('Keep my old email address')]).toEqual([200, true]);
    const cancelled = await post('/cancel-email-change', { token: cancel.token });
    expect([cancelled.status, cancelled.html.includes('The change is undone')]).toEqual([200, true]);
    expect(await api.login(before, password)).toEqual(expect.any(String));
    // Every session ended with the undo.
    expect((await api.get('/users', { token: access })).status).toBe(401);
  });

  it("speaks the account's language, whatever the browser prefers, on forms and outcomes", async () => {
    const { user, token: access } = await api.register({ email: uniqueEmail('pages') });
    const link = await linkIn(user.email, 'Confirm your email address', 'verify-email');
    expect((await api.put('/users', { token: access, body: { locale: 'es' } })).body.locale).toBe('es');
    const en = { 'accept-language': 'en-US,en;q=0.9' };

    const shown = await get(link.path, en);
    expect(shown.status).toBe(200);
    expectPageHeaders(shown, 'es');
    expect(shown.html).toContain('<h1>Confirma tu correo electrónico</h1>');
    expect(shown.html).toContain('Confirmar mi correo');
    const done = await post('/verify-email', { token: link.token }, en);
    expectPageHeaders(done, 'es');
    expect(done.html).toContain('Tu correo está confirmado');
    // Used, the link still names its account: its page speaks the account's language.
    const used = await post('/verify-email', { token: link.token }, en);
    expect(used.status).toBe(400);
    expectPageHeaders(used, 'es');
    expect(used.html).toContain('Este enlace ya no funciona');
  });

  it('speaks the language the browser prefers (Accept-Language) where no account is known, else English', async () => {
    const unknown = `/verify-email?token=${'x'.repeat(43)}`;
    const spanish = await get(unknown, { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    expect(spanish.status).toBe(400);
    expectPageHeaders(spanish, 'es');
    expect(spanish.html).toContain('Este enlace ya no funciona');
    const refused = await post('/reset-password', { token: 'y'.repeat(43), new_password: 'x', new_password_confirmation: 'x' }, { 'accept-language': 'es' });
    expectPageHeaders(refused, 'es');
    // A language the service does not speak: English.
    expectPageHeaders(await get(unknown, { 'accept-language': 'de' }), 'en');
  });

  it.each([
    ['no token', '/reset-password'],
    ['an empty token', '/reset-password?token='],
    ['an unknown token', `/accept-invite?token=${'x'.repeat(43)}`],
    ['a token too long', `/verify-email?token=${'x'.repeat(201)}`],
    ['two tokens', '/confirm-email-change?token=a&token=b'],
    ['markup in the token', `/cancel-email-change?token=${encodeURIComponent('"><script>alert(1)</script>')}`],
  ])('GET with %s shows the page of a link that does not work (400)', async (_label, path) => {
    const answer = await get(path);
    expect(answer.status).toBe(400);
    expectPageHeaders(answer);
    expect(answer.html).toContain('This link does not work any more');
    expect(answer.html).not.toContain('<form');
  });

  it('takes a form body only on the page routes, a small one, and JSON nowhere on them', async () => {
    const token = 'x'.repeat(43);
    // A JSON route still takes JSON alone.
    const formToJson = await page(api.baseUrl, 'POST', '/auth/verify-email', { form: { token } });
    expect(formToJson.status).toBe(415);
    expect(formToJson.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const jsonToPage = await fetch(`${api.baseUrl}/verify-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(jsonToPage.status).toBe(415);
    const oversized = await post('/verify-email', { token, padding: 'p'.repeat(5000) });
    expect(oversized.status).toBe(413);
    // A field the form does not have is refused, as the JSON routes refuse one.
    const extra = await post('/verify-email', { token, role: 'ADMIN' });
    expect(extra.status).toBe(400);
    expect(extra.html).toContain('Something went wrong');
  });

  it('serves one stylesheet, which browsers may keep', async () => {
    const css = await fetch(`${api.baseUrl}/pages/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(await css.text()).toContain('max-width');
  });
});

const originalQuery = Client.prototype.query as (...args: unknown[]) => unknown;

describe('the pages under the rate limit', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '1' });
  });
  afterAll(() => testApp?.close());

  it('says to wait, with the seconds of Retry-After, once the address spent its budget (429), as the JSON routes', async () => {
    const form = { token: 'x'.repeat(43), new_password: 'whatever it is now', new_password_confirmation: 'whatever it is now' };
    const first = await page(testApp.api.baseUrl, 'POST', '/reset-password', { form });
    expect(first.status).toBe(400);
    const limited = await page(testApp.api.baseUrl, 'POST', '/accept-invite', { form, headers: { 'accept-language': 'es' } });
    expect(limited.status).toBe(429);
    expectPageHeaders(limited, 'es');
    const seconds = Number(limited.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(limited.html).toContain('Demasiados intentos');
    expect(limited.html).toContain(`Espera ${seconds} segundo`);
  });

  it('answers a refused form without a query: its page is in the language the browser prefers', async () => {
    const form = { token: 'x'.repeat(43), new_password: 'whatever it is now', new_password_confirmation: 'whatever it is now' };
    // The address's budget (1 a minute here) spent, if the test above has not spent it.
    await page(testApp.api.baseUrl, 'POST', '/reset-password', { form });
    const statements: unknown[] = [];
    // Counted where every statement leaves for the database (test/round-trips.e2e-spec.ts).
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      statements.push(args[0]);
      return originalQuery.apply(this, args);
    } as typeof Client.prototype.query);
    try {
      const limited = await page(testApp.api.baseUrl, 'POST', '/reset-password', { form });
      expect(limited.status).toBe(429);
      expect(statements).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the pages' log lines", () => {
  let dataDir: string;
  let database: TestDatabase;
  let sink: SmtpSink;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    dataDir = mkdtempSync(join(tmpdir(), 'accounts-pages-logs-'));
    database = await createTestDatabase(dataDir);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await sink?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never carry a link token, from the address or from the form, on any outcome', async () => {
    service = await serviceOnFreePort({ ...database.env, NODE_ENV: 'development', LOG_LEVEL: 'debug', MAIL_TRANSPORT: sink.url });
    await service.start();
    const register = await fetch(`${service.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('pages'), password: 'logs never see this one', name: 'Log Reader' }),
    });
    const { user } = (await register.json()) as { user: { email: string } };
    const token = sink.linkToken(await sink.nextMail(user.email, 'Confirm your email address'));
    const weak = { token, new_password: 'password1', new_password_confirmation: 'password1' };

    expect((await page(service.url, 'GET', `/verify-email?token=${token}`)).status).toBe(200);
    expect((await page(service.url, 'POST', '/verify-email', { form: { token } })).status).toBe(200);
    expect((await page(service.url, 'POST', '/verify-email', { form: { token } })).status).toBe(400);
    expect((await page(service.url, 'GET', `/verify-email?token=${token}`)).status).toBe(400);
    expect((await page(service.url, 'POST', '/reset-password', { form: weak })).status).toBe(400);
    expect((await page(service.url, 'POST', '/verify-email', { form: { token, padding: 'p'.repeat(5000) } })).status).toBe(413);
    expect(await service.stop('SIGTERM')).toBe(0);

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { output } = service;
    // The lines are there (the pages' requests, refusals included), and no token in any of them.
    expect(output).toContain('"path":"/verify-email"');
    expect(output).toContain('"path":"/reset-password"');
    expect(output).not.toContain(token);
    expect(output).not.toContain('password1');
  });
});
