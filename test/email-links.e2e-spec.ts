import { setTimeout as sleep } from 'node:timers/promises';
import { useMailedApp } from './support/mailed-app';
import type { ReceivedMail } from './support/smtp-sink';
import { ADMIN, useTestApp } from './support/test-app';
import { uniqueEmail } from './support/unique';

/** Verification and password reset, end to end: real SMTP server, real links, real routes. */
describe('the links sent by mail', () => {
  const { api, sink } = useMailedApp({ APP_URL: 'https://app.example.com/' });

  /** The token of the mail's one link, checked to point at the frontend page named. */
  const tokenIn = (mail: ReceivedMail, page: string) => {
    const [link] = sink().linksIn(mail);
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`https://app.example.com/${page}`);
    expect(mail.html).toContain(`href="${link.replaceAll('&', '&#38;')}"`);
    return url.searchParams.get('token')!;
  };

  describe('email verification', () => {
    it('mails a link at sign-up that verifies the email once', async () => {
      const email = uniqueEmail('links');
      const { token: access } = await api.register({ email });
      const token = tokenIn(await sink().nextMail(email, 'Confirm your email address'), 'verify-email');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await api.get('/users', { token: access })).body.email_verified).toBe(false);

      const verified = await api.post('/auth/verify-email', { body: { token } });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ email, email_verified: true });
      expect(verified.headers.get('etag')).toBe((await api.get('/users', { token: access })).headers.get('etag'));

      const again = await api.post('/auth/verify-email', { body: { token } });
      expect([again.status, again.body.code]).toEqual([400, 'INVALID_TOKEN']);
      const requested = await api.post('/auth/verify-email/request', { token: access });
      expect([requested.status, requested.body.code]).toEqual([409, 'EMAIL_ALREADY_VERIFIED']);
    });

    it('sends a new link on request, which voids the one before', async () => {
      const email = uniqueEmail('links');
      const { token: access } = await api.register({ email });
      const first = tokenIn(await sink().nextMail(email, 'Confirm your email address'), 'verify-email');
      const requested = await api.post('/auth/verify-email/request', { token: access });
      expect(requested.status).toBe(202);
      const second = tokenIn(await sink().nextMail(email, 'Confirm your email address'), 'verify-email');
      expect(second).not.toBe(first);
      expect((await api.post('/auth/verify-email', { body: { token: first } })).body.code).toBe('INVALID_TOKEN');
      expect((await api.post('/auth/verify-email', { body: { token: second } })).status).toBe(200);
      expect((await api.post('/auth/verify-email/request')).status).toBe(401);
    });

    it('sends one address at most 5 verification mails an hour, then answers 429 with Retry-After', async () => {
      const email = uniqueEmail('links');
      const { token: access } = await api.register({ email });
      for (let i = 0; i < 4; i++) expect((await api.post('/auth/verify-email/request', { token: access })).status).toBe(202);
      const refused = await api.post('/auth/verify-email/request', { token: access });
      expect([refused.status, refused.body.code, refused.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', '3600']);
      await sink().waitForCount(sink().messages.filter((m) => m.to.includes(email)).length);
      await sleep(1_500);
      expect(sink().messages.filter((m) => m.to.includes(email))).toHaveLength(5);
    });

    it.each([['an unknown token', 'x'.repeat(43)], ['a short string', 'abc'], ['an injection', "' OR '1'='1"]])(
      'answers 400 INVALID_TOKEN for %s',
      async (_label, token) => {
        const response = await api.post('/auth/verify-email', { body: { token } });
        expect([response.status, response.body.code]).toEqual([400, 'INVALID_TOKEN']);
      },
    );
  });

  describe("an owner's email change", () => {
    /** A new account whose address is verified; its password and access token. */
    async function account(email = uniqueEmail('links')) {
      const registered = await api.register({ email });
      const token = tokenIn(await sink().nextMail(email, 'Confirm your email address'), 'verify-email');
      expect((await api.post('/auth/verify-email', { body: { token } })).status).toBe(200);
      return { ...registered, email };
    }

    /** Asks to change `access`'s email to `next`; answers the links of both mails. */
    async function change(access: string, password: string, current: string, next: string) {
      const asked = await api.put('/users', { token: access, body: { email: next, current_password: password } });
      expect(asked.status).toBe(200);
      const confirm = await sink().nextMail(next, 'Confirm your new email address');
      const notice = await sink().nextMail(current, 'Your email address is being changed');
      return { asked, confirmMail: confirm, noticeMail: notice, confirm: tokenIn(confirm, 'confirm-email-change'), cancel: tokenIn(notice, 'cancel-email-change') };
    }

    it('waits for the new address to follow its link: the account keeps its own until then', async () => {
      const { token: access, password, email: before } = await account();
      const after = uniqueEmail('links');
      const missing = await api.put('/users', { token: access, body: { email: after } });
      expect([missing.status, missing.body.errors?.[0]?.field]).toEqual([400, 'current_password']);
      const wrong = await api.put('/users', { token: access, body: { email: after, current_password: 'not-my-password' } });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);

      const { asked, confirmMail, noticeMail, confirm } = await change(access, password, before, after);
      expect(asked.body).toMatchObject({ email: before, pending_email: after, email_verified: true });
      // The new address is nobody's proof yet: its mail says nothing the account chose.
      expect(confirmMail.text).not.toContain('Test User');
      expect(noticeMail.text).toContain(after);
      expect(noticeMail.text).toContain('Hello Test User,');
      expect(await api.login(before, password)).toEqual(expect.any(String));

      const made = await api.post('/auth/email-change/confirm', { body: { token: confirm } });
      expect(made.status).toBe(200);
      expect(made.body).toMatchObject({ email: after, email_verified: true, pending_email: null });
      expect(await api.login(after, password)).toEqual(expect.any(String));
      expect((await api.post('/auth/email-change/confirm', { body: { token: confirm } })).body.code).toBe('INVALID_TOKEN');
    });

    it('undoes a change with the link mailed to the address it left, even once made: every session ends, the new address\'s links die', async () => {
      const { token: access, password, email: before } = await account();
      const taker = uniqueEmail('links');
      const { confirm, cancel } = await change(access, password, before, taker);
      expect((await api.post('/auth/email-change/confirm', { body: { token: confirm } })).status).toBe(200);
      // Whoever holds the new address asks for a reset: its link goes there.
      await api.post('/auth/password/forgot', { body: { email: taker } });
      const reset = tokenIn(await sink().nextMail(taker, 'Reset your password'), 'reset-password');

      const undone = await api.post('/auth/email-change/cancel', { body: { token: cancel } });
      expect(undone.status).toBe(200);
      expect(undone.body).toMatchObject({ email: before, email_verified: true, pending_email: null });
      expect((await api.get('/users', { token: access })).status).toBe(401);
      const late = await api.post('/auth/password/reset', { body: { token: reset, new_password: 'the taker wants in' } });
      expect([late.status, late.body.code]).toEqual([400, 'INVALID_TOKEN']);
      expect(await api.login(before, password)).toEqual(expect.any(String));
      expect((await api.post('/auth/email-change/cancel', { body: { token: cancel } })).body.code).toBe('INVALID_TOKEN');
    });

    it("keeps the link that undoes an earlier change alive through later changes, and voids the later ones' when used", async () => {
      const { token: access, password, email: first } = await account();
      const second = uniqueEmail('links');
      const one = await change(access, password, first, second);
      await api.post('/auth/email-change/confirm', { body: { token: one.confirm } });
      const third = uniqueEmail('links');
      const two = await change(access, password, second, third);
      await api.post('/auth/email-change/confirm', { body: { token: two.confirm } });

      expect((await api.post('/auth/email-change/cancel', { body: { token: one.cancel } })).body.email).toBe(first);
      expect((await api.post('/auth/email-change/cancel', { body: { token: two.cancel } })).body.code).toBe('INVALID_TOKEN');
    });

    it('reserves nothing: the address stays free for a sign-up, and the link then answers 409', async () => {
      const { token: access, password, email } = await account();
      const wanted = uniqueEmail('links');
      const { confirm } = await change(access, password, email, wanted);
      const other = await api.register({ email: wanted });
      expect(other.user.email).toBe(wanted);
      const late = await api.post('/auth/email-change/confirm', { body: { token: confirm } });
      expect([late.status, late.body.code]).toEqual([409, 'EMAIL_TAKEN']);
      expect((await api.get('/users', { token: access })).body).toMatchObject({ email, pending_email: wanted });
    });

    it('drops a pending change when the current address is sent again: its link dies', async () => {
      const { token: access, password, email } = await account();
      const { confirm } = await change(access, password, email, uniqueEmail('links'));
      const kept = await api.put('/users', { token: access, body: { email } });
      expect(kept.body).toMatchObject({ email, pending_email: null });
      expect((await api.post('/auth/email-change/confirm', { body: { token: confirm } })).body.code).toBe('INVALID_TOKEN');
    });
  });

  describe("an administrator's email change", () => {
    it('is made at once, unverified; the new address gets a verification, the old a notice without a link', async () => {
      const first = uniqueEmail('links');
      const { user, token: access } = await api.register({ email: first });
      const stale = tokenIn(await sink().nextMail(first, 'Confirm your email address'), 'verify-email');
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const second = uniqueEmail('links');
      expect((await api.put(`/api/users/${user.id}`, { token: admin, body: { email: second } })).body).toMatchObject({
        email: second,
        email_verified: false,
        pending_email: null,
      });
      const notice = await sink().nextMail(first, 'Your email address was changed');
      expect(sink().linksIn(notice)).toEqual([]);
      tokenIn(await sink().nextMail(second, 'Confirm your email address'), 'verify-email');
      expect((await api.post('/auth/verify-email', { body: { token: stale } })).body.code).toBe('INVALID_TOKEN');
      expect((await api.get('/users', { token: access })).body).toMatchObject({ email: second, email_verified: false });
    });

    it('voids a reset link mailed to the old address: it neither sets the password nor proves the new address', async () => {
      const first = uniqueEmail('links');
      const { user, password } = await api.register({ email: first });
      tokenIn(await sink().nextMail(first, 'Confirm your email address'), 'verify-email');
      await api.post('/auth/password/forgot', { body: { email: first } });
      const reset = tokenIn(await sink().nextMail(first, 'Reset your password'), 'reset-password');
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const second = uniqueEmail('links');
      await api.put(`/api/users/${user.id}`, { token: admin, body: { email: second } });
      const late = await api.post('/auth/password/reset', { body: { token: reset, new_password: 'set through a stale link' } });
      expect([late.status, late.body.code]).toEqual([400, 'INVALID_TOKEN']);
      const access = await api.login(second, password);
      expect((await api.get('/users', { token: access })).body.email_verified).toBe(false);
    });

    it("corrects an invitation's address: the link sent to the wrong one dies, a new invitation goes to the right one", async () => {
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const typo = uniqueEmail('links');
      const created = await api.post('/api/users', { token: admin, body: { email: typo, name: 'Invited Ivy' } });
      const wrongLink = tokenIn(await sink().nextMail(typo, 'Your new account'), 'accept-invite');
      const right = uniqueEmail('links');
      expect((await api.put(`/api/users/${created.body.id}`, { token: admin, body: { email: right } })).status).toBe(200);
      const stale = await api.post('/auth/password/reset', { body: { token: wrongLink, new_password: 'the typo owner sets this' } });
      expect([stale.status, stale.body.code]).toEqual([400, 'INVALID_TOKEN']);
      const rightLink = tokenIn(await sink().nextMail(right, 'Your new account'), 'accept-invite');
      expect((await api.post('/auth/password/reset', { body: { token: rightLink, new_password: 'ivy chose this one' } })).status).toBe(204);
      expect(await api.login(right, 'ivy chose this one')).toEqual(expect.any(String));
    });
  });

  describe('invitation', () => {
    it("mails an account made without a password a link that sets the first one and proves the address", async () => {
      const admin = await api.login(ADMIN.email, ADMIN.password);
      const email = uniqueEmail('links');
      const created = await api.post('/api/users', { token: admin, body: { email, name: 'Invited Ivy', role: 'DRIVER' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email, role: 'DRIVER', email_verified: false });
      const mail = await sink().nextMail(email, 'Your new account');
      expect(mail.text).toContain('7 days');
      const token = tokenIn(mail, 'accept-invite');
      // No password yet: no password logs in, an empty one included.
      const early = await api.post('/auth/login', { body: { email, password: 'anything at all' } });
      expect([early.status, early.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);

      expect((await api.post('/auth/password/reset', { body: { token, new_password: 'ivy chose this one' } })).status).toBe(204);
      const access = await api.login(email, 'ivy chose this one');
      expect((await api.get('/users', { token: access })).body).toMatchObject({ email, email_verified: true, role: 'DRIVER' });
      expect((await api.post('/auth/password/reset', { body: { token, new_password: 'and another one' } })).body.code).toBe('INVALID_TOKEN');
    });
  });

  describe('forgotten password', () => {
    it('answers 202 alike for an unknown address, and mails nothing', async () => {
      const unknown = uniqueEmail('links');
      const response = await api.post('/auth/password/forgot', { body: { email: unknown } });
      expect(response.status).toBe(202);
      expect(response.text).toBe('');
      await sleep(1_500);
      expect(sink().messages.filter((m) => m.to.includes(unknown))).toEqual([]);
    });

    it('mails a reset link; a weak password leaves it usable; a good one ends every session, verifies the email and spends it', async () => {
      const email = uniqueEmail('links');
      const { token: access, password } = await api.register({ email });
      const forgot = await api.post('/auth/password/forgot', { body: { email: email.toUpperCase() } });
      expect([forgot.status, forgot.text]).toEqual([202, '']);
      const token = tokenIn(await sink().nextMail(email, 'Reset your password'), 'reset-password');

      const weak = await api.post('/auth/password/reset', { body: { token, new_password: 'qwertyuiop' } });
      expect([weak.status, weak.body.code]).toEqual([400, 'WEAK_PASSWORD']);

      const reset = await api.post('/auth/password/reset', { body: { token, new_password: 'a brand new passphrase' } });
      expect(reset.status).toBe(204);
      expect((await api.get('/users', { token: access })).status).toBe(401);
      expect((await api.post('/auth/login', { body: { email, password } })).status).toBe(401);
      const fresh = await api.login(email, 'a brand new passphrase');
      expect((await api.get('/users', { token: fresh })).body.email_verified).toBe(true);

      const reused = await api.post('/auth/password/reset', { body: { token, new_password: 'another new passphrase' } });
      expect([reused.status, reused.body.code]).toEqual([400, 'INVALID_TOKEN']);
    });

    it('lets a reset link die when the password changes another way', async () => {
      const email = uniqueEmail('links');
      const { token: access, password } = await api.register({ email });
      await api.post('/auth/password/forgot', { body: { email } });
      const token = tokenIn(await sink().nextMail(email, 'Reset your password'), 'reset-password');
      const changed = await api.post('/users/password', {
        token: access,
        body: { current_password: password, new_password: 'changed the usual way' },
      });
      expect(changed.status).toBe(204);
      const reset = await api.post('/auth/password/reset', { body: { token, new_password: 'a brand new passphrase' } });
      expect([reset.status, reset.body.code]).toEqual([400, 'INVALID_TOKEN']);
    });
  });

  describe('with REQUIRE_EMAIL_VERIFICATION=true', () => {
    // Mailing to the block's sink: named once it listens.
    const strictApi = useTestApp(() => ({ MAIL_TRANSPORT: sink().url, REQUIRE_EMAIL_VERIFICATION: 'true' }));

    it('refuses the login of an unverified account with 403 EMAIL_NOT_VERIFIED, and lets it in once verified', async () => {
      const email = uniqueEmail('links');
      const { password } = await strictApi.register({ email });
      const refused = await strictApi.post('/auth/login', { body: { email, password } });
      expect([refused.status, refused.body.code]).toEqual([403, 'EMAIL_NOT_VERIFIED']);
      const token = sink().linkToken(await sink().nextMail(email, 'Confirm your email address'));
      expect((await strictApi.post('/auth/verify-email', { body: { token } })).status).toBe(200);
      expect((await strictApi.post('/auth/login', { body: { email, password } })).status).toBe(200);
    });

    it("lets sign-up's tokens reach only what verifying needs, refresh included, until the address is proven", async () => {
      const email = uniqueEmail('links');
      const { token: access, refresh_token } = await strictApi.register({ email });
      expect((await strictApi.get('/users', { token: access })).status).toBe(200);
      for (const refused of [
        await strictApi.put('/users', { token: access, body: { name: 'Spam Sender' } }),
        await strictApi.get('/users/sessions', { token: access }),
        await strictApi.get('/users/activity', { token: access }),
        await strictApi.post('/auth/refresh', { body: { refresh_token } }),
      ]) {
        expect([refused.status, refused.body.code]).toEqual([403, 'EMAIL_NOT_VERIFIED']);
      }
      // A new mail may be asked for; the refused refresh left its token as it was.
      await sink().nextMail(email, 'Confirm your email address');
      expect((await strictApi.post('/auth/verify-email/request', { token: access })).status).toBe(202);
      const token = sink().linkToken(await sink().nextMail(email, 'Confirm your email address'));
      expect((await strictApi.post('/auth/verify-email', { body: { token } })).status).toBe(200);
      const refreshed = await strictApi.post('/auth/refresh', { body: { refresh_token } });
      expect(refreshed.status).toBe(200);
      expect((await strictApi.put('/users', { token: refreshed.body.access_token, body: { name: 'Verified Now' } })).status).toBe(200);
      expect((await strictApi.post('/auth/logout', { token: access })).status).toBe(204);
    });

    it('creates the bootstrap administrator verified, so that it can log in', async () => {
      expect(await strictApi.login(ADMIN.email, ADMIN.password)).toEqual(expect.any(String));
    });
  });
});
