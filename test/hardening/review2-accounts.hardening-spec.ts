import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { waitUntil } from '../support/eventually';
import { useMailedApp } from '../support/mailed-app';
import { ADMIN } from '../support/test-app';
import { randomSuffix, uniqueEmail } from '../support/unique';
import { countStatuses, expectProblem, useAttackApp } from './support/attack-app';

/**
 * The account findings of the second security review (issue 22), each as the reviewer met it:
 * every test here failed on the code before its fix (main at 4a05442).
 */

const PASSWORD = 'Plum-Orbit-42-review';
/** Headers that name the client's address, as a trusted proxy (TRUST_PROXY) reports it. */
const from = (address: string) => ({ 'x-forwarded-for': address });

describe('finding 6: one normalisation for the lockout key and the account lookup', () => {
  const { api } = useAttackApp({ LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'true' });

  it('refuses an admin whose names are locked, whatever Unicode spelling of the name is sent', async () => {
    const admin = (await api.get('/users', { token: await api.login(ADMIN.email, ADMIN.password) })).body;
    const attacker = from('198.51.100.6');
    for (const name of [{ username: admin.username }, { email: admin.email }]) {
      for (let i = 0; i < 3; i++) await api.post('/auth/login', { headers: attacker, body: { ...name, password: 'not-it-at-all' } });
    }
    // `İ` lower-cases to `i` in PostgreSQL but not in JavaScript: it found the account and missed the lock.
    expect(admin.username).toBe('admin');
    const answers: Record<string, number> = {};
    for (const spelling of ['admİn', 'ADMİN', 'admın', 'ａｄｍｉｎ', 'ADMIN', ' admin ']) {
      answers[spelling] = (await api.post('/auth/login', { headers: attacker, body: { username: spelling, password: ADMIN.password } })).status;
    }
    // Those that are the admin's name are locked; the others are names of no account.
    expect(answers).toEqual({ admİn: 401, ADMİN: 401, admın: 401, ａｄｍｉｎ: 429, ADMIN: 429, ' admin ': 429 });
  });

  it.each([
    ['fullwidth letters', (name: string) => name.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))],
    ['the Kelvin sign for k', (name: string) => name.replace(/k/g, '\u212A')],
    ['the long s for s', (name: string) => name.replace(/s/g, '\u017F')],
    ['upper case', (name: string) => name.toUpperCase()],
  ])('counts a name spelt with %s on the same lock', async (_how, respell) => {
    const username = `kiss_${randomSuffix().replace(/[^a-z]/g, 'k')}`;
    await api.register({ email: uniqueEmail('review2'), username, password: PASSWORD });
    const attacker = from('198.51.100.7');
    for (let i = 0; i < 3; i++) {
      expectProblem(await api.post('/auth/login', { headers: attacker, body: { username: respell(username), password: `wrong-${i}-guess` } }), 401);
    }
    // Locked for that address, by the plain name too: the spellings were one name.
    expectProblem(await api.post('/auth/login', { headers: attacker, body: { username, password: PASSWORD } }), 429, 'ACCOUNT_LOCKED');
  });

  it.each(['İ', 'ı'])('finds no account for a name with %s in place of i: it is another name', async (dotted) => {
    const username = `mini_${randomSuffix().replace(/[^a-z]/g, 'm')}`;
    await api.register({ email: uniqueEmail('review2'), username, password: PASSWORD });
    const response = await api.post('/auth/login', { body: { username: username.replace('i', dotted), password: PASSWORD } });
    expectProblem(response, 401, 'INVALID_CREDENTIALS');
  });
});

describe('finding 11: a stranger cannot lock the owner out everywhere', () => {
  const { api } = useAttackApp({ TRUST_PROXY: 'true' });

  it('ten wrong passwords from one address lock that address only: the admin logs in from elsewhere', async () => {
    const attacker = from('203.0.113.50');
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await api.post('/auth/login', { headers: attacker, body: { email: ADMIN.email, password: `guess-${i}-guess` } })).status);
    }
    expect(countStatuses(statuses.map((status) => ({ status }) as never))).toEqual({ 401: 5, 429: 5 });
    const owner = await api.post('/auth/login', { headers: from('198.51.100.20'), body: { email: ADMIN.email, password: ADMIN.password } });
    expect(owner.status).toBe(200);
  });

  it('locks the name everywhere after LOGIN_MAX_FAILURES x 10 failures from many addresses', async () => {
    const { user } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    for (let i = 0; i < 50; i++) {
      const address = from(`203.0.113.${100 + Math.floor(i / 5)}`);
      expectProblem(await api.post('/auth/login', { headers: address, body: { email: user.email, password: `guess-${i}-guess` } }), 401);
    }
    const owner = await api.post('/auth/login', { headers: from('198.51.100.21'), body: { email: user.email, password: PASSWORD } });
    expectProblem(owner, 429, 'ACCOUNT_LOCKED');
  });

});

describe('item 5: concurrent right logins of one account are never refused as locked', () => {
  // A password check long enough (bcrypt cost 10) for the logins to overlap at the service.
  const { api } = useAttackApp({ BCRYPT_ROUNDS: '10' });

  it('logs in 20 right passwords sent at once from one address', async () => {
    const { user } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    const logins = await Promise.all(
      Array.from({ length: 20 }, () => api.post('/auth/login', { body: { email: user.email, password: PASSWORD } })),
    );
    expect(countStatuses(logins)).toEqual({ 200: 20 });
  });
});

describe('finding 13: a password typed into the login name field is not kept', () => {
  const { api, db } = useAttackApp();

  it('stores a keyed digest of the name tried, never the name', async () => {
    const typed = `My own passphrase ${randomSuffix()}`;
    expectProblem(await api.post('/auth/login', { body: { username: typed.slice(0, 30), password: 'anything-at-all' } }), 401);
    const rows: { details: Record<string, unknown> }[] = await db().query(
      `SELECT details FROM audit_events WHERE action = 'login.failed' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0].details).toEqual({ login_digest: expect.stringMatching(/^[0-9a-f]{32}$/), reason: 'unknown_account' });
    expect(JSON.stringify(rows)).not.toContain('passphrase');
  });
});

/** useAttackApp() whose mails go to a real SMTP server of the test's (useMailedApp), and a way to read their links. */
function useMailedAttackApp(env: Record<string, string> = {}) {
  const { api, testApp, sink } = useMailedApp(env, { checkContract: false });
  /** The next unread mail to `to` with this subject, and the token of its link. */
  const linkIn = async (to: string, subject: string) => {
    const mail = await sink().nextMail(to, subject);
    return { mail, token: sink().linkToken(mail) };
  };
  return { api, db: () => testApp().app.get(DataSource), linkIn };
}

describe('finding 2: links survive an email change', () => {
  const { api, linkIn } = useMailedAttackApp();

  it("kills an invitation's link when an administrator corrects the address", async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const typo = `inv-${randomSuffix()}@typo.test`;
    const created = await api.post('/api/users', { token: admin, body: { email: typo, name: 'Invited' } });
    const { token } = await linkIn(typo, 'Your new account');
    await api.put(`/api/users/${created.body.id}`, { token: admin, body: { email: uniqueEmail('review2') } });
    expectProblem(await api.post('/auth/password/reset', { body: { token, new_password: PASSWORD } }), 400, 'INVALID_TOKEN');
    expectProblem(await api.post('/auth/login', { body: { email: typo, password: PASSWORD } }), 401);
  });

  it('kills a reset link mailed to the old address once the owner changed it', async () => {
    const old = uniqueEmail('review2');
    const { token: access, password } = await api.register({ email: old, password: PASSWORD });
    await api.post('/auth/password/forgot', { body: { email: old } });
    const { token: reset } = await linkIn(old, 'Reset your password');
    const next = uniqueEmail('review2');
    await api.put('/users', { token: access, body: { email: next, current_password: password } });
    await api.post('/auth/email-change/confirm', { body: { token: (await linkIn(next, 'Confirm your new email address')).token } });
    expectProblem(await api.post('/auth/password/reset', { body: { token: reset, new_password: 'Stale-Link-Pass-9' } }), 400, 'INVALID_TOKEN');
    expect((await api.post('/auth/login', { body: { email: next, password } })).status).toBe(200);
  });
});

describe('finding 3: an email change is no mail relay', () => {
  const { api, db, linkIn } = useMailedAttackApp();

  it('takes 5 changes an hour from one account, and mails the new address nothing the account chose', async () => {
    const name = 'URGENT: your bank account is frozen, visit http://evil.test/x';
    const { token, password, user } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD, name });
    const targets = Array.from({ length: 20 }, () => `victim-${randomSuffix()}@elsewhere.test`);
    const answers = [];
    for (const target of targets) answers.push(await api.put('/users', { token, body: { email: target, current_password: password } }));
    expect(countStatuses(answers)).toEqual({ 200: 5, 429: 15 });
    const [queued] = await db().query(
      `SELECT count(*)::int AS n FROM mail_outbox WHERE recipient = ANY($1)`,
      [targets],
    );
    expect(queued.n).toBe(5);
    const { mail } = await linkIn(targets[0], 'Confirm your new email address');
    expect(`${mail.subject}${mail.text}${mail.html}`).not.toMatch(/URGENT|evil\.test|bank/);
    expect((await api.get('/users', { token })).body.email).toBe(user.email);
  });
});

describe('finding 4: a stolen access token is no takeover', () => {
  const { api, linkIn } = useMailedAttackApp();

  it('cannot change the email without the password, so forgot-password keeps mailing the owner', async () => {
    const { token, user } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    const attacker = `attacker-${randomSuffix()}@evil.test`;
    expectProblem(await api.put('/users', { token, body: { email: attacker } }), 400, 'VALIDATION_FAILED');
    expectProblem(await api.put('/users', { token, body: { email: attacker, current_password: 'a-guess-of-mine' } }), 401, 'INVALID_CREDENTIALS');
    expect((await api.get('/users', { token })).body).toMatchObject({ email: user.email, pending_email: null });
  });

  it("squats nothing: another account's pending change blocks neither a sign-up nor an invitation", async () => {
    const { token, password } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    const victim = uniqueEmail('review2');
    const invited = uniqueEmail('review2');
    expect((await api.put('/users', { token, body: { email: victim, current_password: password } })).body.pending_email).toBe(victim);
    expect((await api.post('/auth/register', { body: { email: victim, password: PASSWORD, name: 'Owner' } })).status).toBe(201);
    expect((await api.put('/users', { token, body: { email: invited, current_password: password } })).body.pending_email).toBe(invited);
    const admin = await api.login(ADMIN.email, ADMIN.password);
    expect((await api.post('/api/users', { token: admin, body: { email: invited, name: 'Invited' } })).status).toBe(201);
  });

  it('lets the owner undo a change made with the password, even once confirmed: the taker is logged out', async () => {
    const own = uniqueEmail('review2');
    const { token: ownerToken, password } = await api.register({ email: own, password: PASSWORD });
    const stolen = (await api.post('/auth/login', { body: { email: own, password } })).body.access_token;
    const taker = `taker-${randomSuffix()}@evil.test`;
    await api.put('/users', { token: stolen, body: { email: taker, current_password: password } });
    await api.post('/auth/email-change/confirm', { body: { token: (await linkIn(taker, 'Confirm your new email address')).token } });
    const { token: cancel } = await linkIn(own, 'Your email address is being changed');
    expect((await api.post('/auth/email-change/cancel', { body: { token: cancel } })).body.email).toBe(own);
    expectProblem(await api.get('/users', { token: stolen }), 401);
    expectProblem(await api.get('/users', { token: ownerToken }), 401);
    await api.post('/auth/password/forgot', { body: { email: own } });
    await linkIn(own, 'Reset your password');
  });
});

describe('item 3: owners who asked for one address race at its links: one wins', () => {
  const { api, db, linkIn } = useMailedAttackApp();

  it('makes one change of five followed at once; the others answer 409 and keep their address', async () => {
    const wanted = uniqueEmail('review2');
    const owners = [];
    for (let i = 0; i < 5; i++) {
      const owner = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
      expect((await api.put('/users', { token: owner.token, body: { email: wanted, current_password: PASSWORD } })).status).toBe(200);
      owners.push(owner);
    }
    const links = [];
    for (let i = 0; i < 5; i++) links.push((await linkIn(wanted, 'Confirm your new email address')).token);
    const answers = await Promise.all(links.map((token) => api.post('/auth/email-change/confirm', { body: { token } })));
    expect(countStatuses(answers)).toEqual({ 200: 1, 409: 4 });
    const rows: { email: string }[] = await db().query('SELECT email FROM users WHERE id = ANY($1) AND email = $2', [
      owners.map(({ user }) => user.id),
      wanted,
    ]);
    expect(rows).toHaveLength(1);
  });
});

describe('finding 5: mail budgets hold under concurrency', () => {
  const { api, db } = useMailedAttackApp({ MAIL_MAX_PER_HOUR: '30' });
  const mails = async (kind: string, recipients: string[]) =>
    (await db().query(`SELECT count(*)::int AS n FROM mail_outbox WHERE kind = $1 AND recipient = ANY($2)`, [kind, recipients]))[0].n;

  it('sends exactly 5 reset mails to one address for 50 forgot requests sent at once', async () => {
    const { user } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: 50 }, () => api.post('/auth/password/forgot', { body: { email: user.email } })));
    expect(countStatuses(answers)).toEqual({ 202: 50 });
    await waitUntil(async () => (await mails('reset-password', [user.email])) >= 5);
    await sleep(500);
    expect(await mails('reset-password', [user.email])).toBe(5);
  });

  it('sends no more than MAIL_MAX_PER_HOUR mails in all, whoever they go to', async () => {
    const users = [];
    for (let i = 0; i < 30; i++) users.push((await api.post('/auth/register', { body: { email: uniqueEmail('review2'), password: PASSWORD, name: 'Many' } })).body.user);
    await Promise.all(users.map((user) => api.post('/auth/password/forgot', { body: { email: user.email } })));
    await sleep(1_000);
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM mail_outbox`);
    expect(n).toBe(30);
  });
});

describe('finding 9: REQUIRE_EMAIL_VERIFICATION holds', () => {
  const { api } = useAttackApp({ REQUIRE_EMAIL_VERIFICATION: 'true' });

  it("keeps sign-up's tokens from the profile's changes and from refreshing", async () => {
    const { token, refresh_token } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    expectProblem(await api.put('/users', { token, body: { name: 'Unverified' } }), 403, 'EMAIL_NOT_VERIFIED');
    expectProblem(await api.post('/auth/refresh', { body: { refresh_token } }), 403, 'EMAIL_NOT_VERIFIED');
    expect((await api.get('/users', { token })).status).toBe(200);
  });

  it('lets the bootstrap administrator in', async () => {
    expect((await api.post('/auth/login', { body: ADMIN })).status).toBe(200);
  });
});

describe('finding 12: a user sees an administrator as such, not by address or account', () => {
  const { api } = useAttackApp();

  it("keeps the administrator's IP and id out of /users/activity", async () => {
    const { token, user } = await api.register({ email: uniqueEmail('review2'), password: PASSWORD });
    const admin = await api.login(ADMIN.email, ADMIN.password);
    await api.put(`/api/users/${user.id}`, { token: admin, headers: { 'x-request-id': 'admin-request-1' }, body: { lastname: 'Checked' } });
    const [event] = (await api.get('/users/activity', { token })).body.data;
    expect(event).toMatchObject({ action: 'admin.user_updated', actor: 'administrator', actor_id: null, ip: null, request_id: null });
  });
});

describe('finding 14: a disabled account accepts no invitation', () => {
  const { api, linkIn } = useMailedAttackApp();

  it('answers its link as any dead link, and sets nothing', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const address = uniqueEmail('review2');
    const created = await api.post('/api/users', { token: admin, body: { email: address, name: 'Invited' } });
    const { token } = await linkIn(address, 'Your new account');
    await api.put(`/api/users/${created.body.id}`, { token: admin, body: { is_active: false } });
    expectProblem(await api.post('/auth/password/reset', { body: { token, new_password: PASSWORD } }), 400, 'INVALID_TOKEN');
    expect((await api.get(`/api/users/${created.body.id}`, { token: admin })).body.email_verified).toBe(false);
  });
});

describe('finding 17: guessable passwords are refused', () => {
  const { api } = useAttackApp();

  it.each(['Summer2024', 'Welcome2024!', 'P@ssw0rd2024', 'Qwerty123456'])('refuses %p with 400 WEAK_PASSWORD', async (password) => {
    expectProblem(await api.post('/auth/register', { body: { email: uniqueEmail('review2'), password, name: 'Weak' } }), 400, 'WEAK_PASSWORD');
  });
});
