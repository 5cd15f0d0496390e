import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { PurgeJob } from '../src/purge/purge.job';
import { PURGE_LOCK, PurgeRepository } from '../src/purge/purge.repository';
import { withPgClient } from './support/pg-client';
import { onPostgresServer } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

/** The purge on the real application and database: what goes, what stays, and one run at a time. */
describe('purge', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  let job: PurgeJob;

  beforeAll(async () => {
    // No timer: every run here is a purgeOnce(). Batches of 3, so that a run takes several. The
    // audit retention is neither the mail's nor its own default (365), so that using either shows.
    // No reuse interval: a used refresh token sent again below is a replay at once.
    testApp = await startTestApp({
      PURGE_INTERVAL_SECONDS: '0',
      PURGE_BATCH_SIZE: '3',
      MAIL_RETENTION_DAYS: '7',
      AUDIT_RETENTION_DAYS: '30',
      REFRESH_REUSE_INTERVAL: '0',
    });
    dataSource = testApp.app.get(DataSource);
    job = testApp.app.get(PurgeJob);
  });

  afterAll(() => testApp?.close());

  const api = () => testApp.api;
  const hash = () => randomBytes(32).toString('hex');
  const ids = async (sql: string): Promise<string[]> => (await dataSource.query(sql)).map((row: { id: string }) => row.id.trim()).sort();

  /** A session written as it would be, `ends` from now (negative: ended), with `tokens` refresh tokens (all but the last used). */
  async function session(userId: number, { ends = '1 hour', revoked = false, tokens = 2 } = {}): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at)
       VALUES ($1, $2, now() - interval '30 days', now() + $3::interval, CASE WHEN $4 THEN now() - interval '1 minute' END)`,
      [id, userId, ends, revoked],
    );
    for (let i = 0; i < tokens; i++) {
      await dataSource.query(
        `INSERT INTO refresh_tokens (token_hash, session_id, used_at) VALUES ($1, $2, CASE WHEN $3 THEN now() END)`,
        [hash(), id, i < tokens - 1],
      );
    }
    return id;
  }

  async function emailToken(userId: number, { expires = '1 hour', used = false } = {}): Promise<string> {
    const tokenHash = hash();
    await dataSource.query(
      `INSERT INTO email_tokens (token_hash, user_id, kind, email, expires_at, used_at)
       VALUES ($1, $2, 'reset', 'purge@example.com', now() + $3::interval, CASE WHEN $4 THEN now() END)`,
      [tokenHash, userId, expires, used],
    );
    return tokenHash;
  }

  /** An outbox row `age` old: sent, given up, or still to deliver (due far ahead: the worker leaves it). */
  async function mail(state: 'sent' | 'failed' | 'pending', age: string): Promise<string> {
    const [{ id }] = await dataSource.query(
      `INSERT INTO mail_outbox (kind, recipient, subject, text, html, attempts, next_attempt_at, created_at, sent_at, failed_at)
       VALUES ('verify-email', 'purge@example.com', 's', $2, $2, 1,
               CASE WHEN $1 = 'pending' THEN now() + interval '1 day' ELSE now() - $3::interval END,
               now() - $3::interval,
               CASE WHEN $1 = 'sent' THEN now() - $3::interval END,
               CASE WHEN $1 = 'failed' THEN now() - $3::interval END)
       RETURNING id::text AS id`,
      [state, state === 'pending' ? 'body' : null, age],
    );
    return id;
  }

  it('deletes exactly the ended sessions with their tokens, spent or expired links and old mail, in batches', async () => {
    // Through the real flows: a live session refreshed once (its first token used), and one logged out.
    const live = await api().register();
    const refreshed = await api().post('/auth/refresh', { body: { refresh_token: live.refresh_token } });
    expect(refreshed.status).toBe(200);
    const loggedOut = await api().register();
    expect((await api().post('/auth/logout', { token: loggedOut.token })).status).toBe(204);
    const userId: number = live.user.id;
    const apiSession = await liveSessionOf(userId);
    // Signing up sent a verification link: a live token.
    const linkTokens = await ids(`SELECT token_hash AS id FROM email_tokens WHERE user_id = ${userId}`);
    expect(linkTokens).toHaveLength(1);

    const keptSessions = [await session(userId), await session(userId, { ends: '1 minute', tokens: 3 })];
    const endedSessions = [
      ...(await Promise.all(Array.from({ length: 7 }, () => session(userId, { ends: '-1 second' })))),
      await session(userId, { ends: '-40 days', tokens: 5 }),
      await session(userId, { revoked: true, tokens: 1 }),
      await session(userId, { revoked: true, ends: '-1 day', tokens: 0 }),
    ];
    const keptTokens = [await emailToken(userId), await emailToken(userId, { expires: '7 days' })];
    await emailToken(userId, { used: true });
    await emailToken(userId, { used: true, expires: '-1 day' });
    await emailToken(userId, { expires: '-1 second' });
    const keptMails = [await mail('sent', '6 days'), await mail('failed', '6 days 23 hours'), await mail('pending', '30 days')];
    for (const age of ['7 days 1 minute', '8 days', '1 year']) await mail('sent', age);
    await mail('failed', '8 days');

    // Logins waiting for a second factor: one within its 5 minutes, two past them.
    for (const expires of ['5 minutes', '-1 second', '-1 day']) {
      await dataSource.query(`INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)`, [hash(), userId, expires]);
    }
    // A passkey challenge unanswered past its 2 minutes, and one still live.
    for (const expires of ['2 minutes', '-1 second']) {
      await dataSource.query(`INSERT INTO webauthn_challenges (challenge, purpose, expires_at) VALUES ($1, 'login', now() + $2::interval)`, [hash().slice(0, 43), expires]);
    }
    // A provider's return that never came (10 minutes), a return's code never exchanged (a minute); one of each still live.
    for (const expires of ['10 minutes', '-1 second', '-1 hour']) {
      await dataSource.query(
        `INSERT INTO oauth_flows (state_hash, provider, checks, return_url, expires_at) VALUES ($1, 'idp', '{}', 'http://localhost/', now() + $2::interval)`,
        [hash(), expires],
      );
    }
    for (const expires of ['1 minute', '-1 second']) {
      await dataSource.query(`INSERT INTO oauth_codes (code_hash, provider, profile, expires_at) VALUES ($1, 'idp', '{}', now() + $2::interval)`, [hash(), expires]);
    }
    // A signing key retired a second ago, and one retiring in a minute.
    for (const [kid, retires] of [['retired', '-1 second'], ['retiring', '1 minute']]) {
      await dataSource.query(
        `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key, signs_from, retires_at) VALUES ($1, 'EdDSA', '{}', 'sealed', now() - interval '1 hour', now() + $2::interval)`,
        [kid, retires],
      );
    }
    const [{ count: liveTokensBefore }] = await dataSource.query(
      `SELECT count(*)::int AS count FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now())`,
      [userId],
    );
    const mailBefore: string[] = await ids('SELECT id::text AS id FROM mail_outbox');

    // 10 sessions of the SQL above and the logged-out one; 7×2 + 5 + 1 + 0 + 1 refresh tokens.
    expect(await job.purgeOnce()).toEqual({ sessions: 11, refresh_tokens: 21, mfa_challenges: 2, webauthn_challenges: 1, oauth_flows: 2, oauth_codes: 1, signing_keys: 1, email_tokens: 3, mail_outbox: 4, avatars: 0, audit_events: 0 });

    expect(await ids(`SELECT id::text AS id FROM sessions WHERE user_id = ${userId}`)).toEqual(
      [...keptSessions, apiSession].sort(),
    );
    expect(await ids(`SELECT id::text AS id FROM sessions WHERE id IN ('${endedSessions.join("','")}')`)).toEqual([]);
    expect(await ids(`SELECT id::text AS id FROM sessions WHERE user_id = ${loggedOut.user.id}`)).toEqual([]);
    // Used refresh tokens of live sessions stay: they are how a replay is caught.
    const [{ count: liveTokensAfter }] = await dataSource.query(
      `SELECT count(*)::int AS count FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)`,
      [userId],
    );
    expect(liveTokensAfter).toBe(liveTokensBefore);
    expect(liveTokensAfter).toBe(2 + 2 + 3);
    const [{ count: orphans }] = await dataSource.query(
      'SELECT count(*)::int AS count FROM refresh_tokens WHERE session_id NOT IN (SELECT id FROM sessions)',
    );
    expect(orphans).toBe(0);
    expect(await ids(`SELECT token_hash AS id FROM email_tokens WHERE user_id = ${userId}`)).toEqual([...linkTokens, ...keptTokens].sort());
    expect(await dataSource.query(`SELECT 1 FROM mfa_challenges WHERE user_id = $1`, [userId])).toHaveLength(1);
    const mailAfter = await ids('SELECT id::text AS id FROM mail_outbox');
    expect(mailAfter).toEqual(expect.arrayContaining(keptMails));
    expect(mailBefore.length - mailAfter.length).toBe(4);

    // The live session works as before: its access token, its refresh token.
    expect((await api().get('/users', { token: live.token })).status).toBe(200);
    expect((await api().get('/users', { token: refreshed.body.access_token })).status).toBe(200);
    const next = await api().post('/auth/refresh', { body: { refresh_token: refreshed.body.refresh_token } });
    expect(next.status).toBe(200);
    expect((await api().get('/users', { token: next.body.access_token })).status).toBe(200);
    // A replay of its first, used token is still caught, and ends the session.
    const replay = await api().post('/auth/refresh', { body: { refresh_token: live.refresh_token } });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/already used/);
    expect((await api().get('/users', { token: next.body.access_token })).status).toBe(401);
    // The logged-out session's token stays refused with its row gone.
    expect((await api().get('/users', { token: loggedOut.token })).status).toBe(401);

    // That session has now ended too: the next run takes it, and then nothing.
    expect(await job.purgeOnce()).toEqual({ sessions: 1, refresh_tokens: 3, mfa_challenges: 0, webauthn_challenges: 0, oauth_flows: 0, oauth_codes: 0, signing_keys: 0, email_tokens: 0, mail_outbox: 0, avatars: 0, audit_events: 0 });
    expect(await job.purgeOnce()).toEqual({ sessions: 0, refresh_tokens: 0, mfa_challenges: 0, webauthn_challenges: 0, oauth_flows: 0, oauth_codes: 0, signing_keys: 0, email_tokens: 0, mail_outbox: 0, avatars: 0, audit_events: 0 });
  });

  it('deletes exactly the audit events older than AUDIT_RETENTION_DAYS, in batches, and counts them', async () => {
    // Real events of a real account: its sign-up and a login, the sign-up then aged past retention.
    const { user, password } = await api().register();
    expect((await api().post('/auth/login', { body: { email: user.email, password } })).status).toBe(200);
    const [signup] = await ids(`SELECT id::text AS id FROM audit_events WHERE user_id = ${user.id} AND action = 'signup'`);
    await dataSource.query(`UPDATE audit_events SET at = now() - interval '45 days' WHERE id = $1`, [signup]);
    /** An event of `user` written `age` ago. */
    const event = async (age: string): Promise<string> => {
      const [{ id }] = await dataSource.query(
        `INSERT INTO audit_events (at, action, actor_id, user_id, ip, details)
         VALUES (now() - $1::interval, 'profile.updated', $2, $2, '127.0.0.1', '{"fields":["name"]}')
         RETURNING id::text AS id`,
        [age, user.id],
      );
      return id;
    };
    // Past 30 days, with the aged sign-up: 5 events, two batches of 3.
    const old = [signup, await event('30 days 1 minute'), await event('31 days'), await event('1 year'), await event('10 years')];
    // Within 30 days, and past the mail's 7 days: they stay.
    const kept = [await event('29 days 23 hours'), await event('8 days'), await event('1 minute')];
    const before = await ids('SELECT id::text AS id FROM audit_events');
    expect(before).toEqual(expect.arrayContaining([...old, ...kept]));

    expect(await job.purgeOnce()).toEqual({ sessions: 0, refresh_tokens: 0, mfa_challenges: 0, webauthn_challenges: 0, oauth_flows: 0, oauth_codes: 0, signing_keys: 0, email_tokens: 0, mail_outbox: 0, avatars: 0, audit_events: old.length });

    const after = await ids('SELECT id::text AS id FROM audit_events');
    expect(after).toEqual(before.filter((id) => !old.includes(id)));
    expect(await ids(`SELECT id::text AS id FROM audit_events WHERE user_id = ${user.id} AND action <> 'login.succeeded'`)).toEqual(
      [...kept].sort(),
    );
    // What is left is within retention: the next run deletes none of it.
    expect(await job.purgeOnce()).toEqual({ sessions: 0, refresh_tokens: 0, mfa_challenges: 0, webauthn_challenges: 0, oauth_flows: 0, oauth_codes: 0, signing_keys: 0, email_tokens: 0, mail_outbox: 0, avatars: 0, audit_events: 0 });
    expect(await ids('SELECT id::text AS id FROM audit_events')).toEqual(after);
  });

  it('runs once when two instances purge at the same time: the second skips', async () => {
    const { user } = await api().register();
    // 30 ended sessions: 11 batches of 3 and their pauses, while the other instance tries.
    for (let i = 0; i < 30; i++) await session(user.id, { ends: '-1 minute', tokens: 1 });
    // Another instance's job, on the same database.
    const other = new PurgeJob(testApp.app.get(PurgeRepository), testApp.app.get(AppConfig));
    const runs = await Promise.all([job.purgeOnce(), other.purgeOnce()]);
    expect(runs.filter((run) => run === 'skipped')).toHaveLength(1);
    expect(runs.find((run) => run !== 'skipped')).toMatchObject({ sessions: 30, refresh_tokens: 30 });
    // Once it has finished, the lock is free again.
    expect(await other.purgeOnce()).toMatchObject({ sessions: 0 });
  });

  // Only a PostgreSQL server has another connection to hold the lock (PGlite has one); CI runs
  // this file on one too (TEST_DATABASE_URL).
  if (onPostgresServer) {
    it('skips while another connection holds the advisory lock, and runs once it is free', async () => {
      const { user } = await api().register();
      const ended = await session(user.id, { ends: '-1 minute' });
      await withPgClient(testApp.database.settings.url!, async (holder) => {
        await holder.query('SELECT pg_advisory_lock($1)', [PURGE_LOCK]);
        expect(await job.purgeOnce()).toBe('skipped');
        expect(await ids(`SELECT id::text AS id FROM sessions WHERE id = '${ended}'`)).toEqual([ended]);
        await holder.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK]);
        expect(await job.purgeOnce()).toMatchObject({ sessions: 1, refresh_tokens: 2 });
      });
    });
  }

  it('lets requests through between its batches', async () => {
    const { user, token } = await api().register();
    await dataSource.query(
      `INSERT INTO sessions (id, user_id, expires_at)
       SELECT gen_random_uuid(), $1, now() - interval '1 minute' FROM generate_series(1, 3000)`,
      [user.id],
    );
    // Batches of 100: 30 of them, each followed by a pause at least as long.
    const config = AppConfig.fromEnvironment({ PURGE_BATCH_SIZE: '100', PURGE_INTERVAL_SECONDS: '0' });
    const bigBatches = new PurgeJob(testApp.app.get(PurgeRepository), config);
    let purgeDone: number | undefined;
    const run = bigBatches.purgeOnce().then((counts) => {
      purgeDone = performance.now();
      return counts;
    });
    const answered: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await api().get('/users', { token })).status).toBe(200);
      answered.push(performance.now());
    }
    expect(await run).toMatchObject({ sessions: 3000 });
    // Every request was answered while the purge still had batches to go.
    expect(answered.every((at) => at < purgeDone!)).toBe(true);
  });

  /** The one session of `userId` that was opened through the API (not by this file's SQL). */
  async function liveSessionOf(userId: number): Promise<string> {
    const [{ id }] = await dataSource.query(
      `SELECT s.id::text AS id FROM sessions s WHERE s.user_id = $1 AND s.created_at > now() - interval '1 day'`,
      [userId],
    );
    return id;
  }
});
