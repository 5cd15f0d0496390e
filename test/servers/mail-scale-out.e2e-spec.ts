import { setTimeout as sleep } from 'node:timers/promises';
import { withPgClient } from '../support/pg-client';
import { PrivatePostgres } from '../support/private-postgres';
import { PrivateRedis } from '../support/private-redis';
import { ServiceInstances } from '../support/service-process';
import { SmtpSink } from '../support/smtp-sink';

/**
 * Two service processes, each with its own outbox worker, on one PostgreSQL database and one
 * SMTP server. Sign-ups land on both; SMTP goes away mid-way and comes back. Every mail must
 * arrive, and none twice: the workers share the outbox through FOR UPDATE SKIP LOCKED.
 */
describe('two instances draining one mail outbox', () => {
  const postgres = new PrivatePostgres();
  const redis = new PrivateRedis();
  const instances = new ServiceInstances();
  const { clients } = instances;
  let sink: SmtpSink;

  beforeAll(async () => {
    [sink] = await Promise.all([SmtpSink.start(), postgres.create(), redis.start()]);
    const env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      MAIL_TRANSPORT: sink.url,
      RATE_LIMIT_AUTH_PER_MINUTE: '1000',
    };
    await instances.start(env);
  }, 120_000);

  afterAll(async () => {
    await instances.stop();
    await Promise.all([postgres.destroy(), redis.stop(), sink?.stop()]);
    instances.expectNoSecrets();
  });

  it('delivers every sign-up mail exactly once, across an SMTP outage', async () => {
    const signUp = (i: number) => clients[i % 2].register({ email: `scale-out-${i}@example.com` });
    const emails = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `scale-out-${from + k}@example.com`);

    // Half while SMTP is up, as fast as both instances take them.
    await Promise.all(emails(0, 30).map((_, i) => signUp(i)));
    await sink.stop();
    // The other half while it is down: every request still succeeds.
    await Promise.all(emails(30, 60).map((_, i) => signUp(30 + i)));
    await sink.restart();

    // Retries back off by up to 60 s; most come sooner.
    await sink.waitForCount(60, 90_000);
    // Long enough for a second copy to show, had two workers claimed one row.
    await sleep(3_000);
    const recipients = sink.messages.flatMap((mail) => mail.to);
    expect(recipients.sort()).toEqual(emails(0, 60).sort());
    expect(new Set(sink.messages.map((mail) => mail.messageId)).size).toBe(60);

    // And the outbox agrees: every row sent once, none left waiting.
    await withPgClient(postgres.url, async (database) => {
      const { rows } = await database.query('SELECT count(*)::int AS total, count(sent_at)::int AS sent FROM mail_outbox');
      expect(rows[0]).toEqual({ total: 60, sent: 60 });
    });
  }, 150_000);
});
