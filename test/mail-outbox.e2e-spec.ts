import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { MailOutboxWorker } from '../src/mail/mail-outbox.worker';
import { MailOutboxRepository } from '../src/mail/mail-outbox.repository';
import { Mailer } from '../src/mail/mailer.service';
import { SmtpMailTransport } from '../src/mail/smtp-mail.transport';
import { verifyEmailMail } from '../src/mail/templates/verify-email';
import { AppConfig } from '../src/config/app-config';
import { expectEventually } from './support/eventually';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

/** The outbox on the real application and database, delivering to a real SMTP server. */
describe('mail outbox', () => {
  let sink: SmtpSink;
  let testApp: TestApp;
  let mailer: Mailer;
  let dataSource: DataSource;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    testApp = await startTestApp({ MAIL_TRANSPORT: sink.url, MAIL_FROM: 'Accounts <no-reply@accounts.example>', MAIL_MAX_ATTEMPTS: '3' });
    mailer = testApp.app.get(Mailer);
    dataSource = testApp.app.get(DataSource);
  });

  afterAll(async () => {
    await testApp?.close();
    await sink?.stop();
  });

  beforeEach(() => sink.clear());

  const queue = (to: string, link = `http://localhost:3000/verify-email?token=${to}`) =>
    dataSource.transaction((manager) =>
      mailer.queue(manager, 'verify-email', to, () => verifyEmailMail({ name: 'Jane <b>', link, validSeconds: 86_400 })),
    );
  const row = async (recipient: string) =>
    (await dataSource.query('SELECT * FROM mail_outbox WHERE recipient = $1', [recipient]))[0];

  it('delivers a queued mail as text and HTML, from MAIL_FROM, then forgets its body', async () => {
    await queue('jane@example.com');
    mailer.deliverSoon();
    const mail = await sink.waitFor((m) => m.to.includes('jane@example.com'));
    expect(mail.from).toContain('no-reply@accounts.example');
    expect(mail.subject).toBe('Confirm your email address');
    expect(sink.linksIn(mail)).toEqual(['http://localhost:3000/verify-email?token=jane@example.com']);
    expect(mail.text).toContain('Hello Jane <b>,');
    expect(mail.html).toContain('Hello Jane &#60;b&#62;,');
    expect(mail.messageId).toMatch(/^<outbox-\d+-\d+@accounts\.example>$/);
    await expectEventually(async () => expect(await row('jane@example.com')).toMatchObject({ text: null, html: null, attempts: 1 }));
    expect((await row('jane@example.com')).sent_at).toBeInstanceOf(Date);
  });

  it('keeps the mails while SMTP is down, and delivers each exactly once when it is back', async () => {
    await sink.stop();
    const recipients = Array.from({ length: 5 }, (_, i) => `outage-${i}@example.com`);
    for (const to of recipients) await queue(to);
    // At least one failed try each, recorded on the rows.
    await expectEventually(async () => {
      for (const to of recipients) expect((await row(to)).last_error).toMatch(/ECONNREFUSED/);
    });
    await sink.restart();
    const arrived = await sink.waitForCount(recipients.length, 15_000);
    expect(arrived.flatMap((m) => m.to).sort()).toEqual(recipients.sort());
    // Nothing comes twice: wait past another poll and a retry.
    await sleep(2_500);
    expect(sink.messages).toHaveLength(recipients.length);
    for (const to of recipients) expect((await row(to)).sent_at).toBeInstanceOf(Date);
  }, 30_000);

  it('records a refused recipient, retries it, and gives it up after MAIL_MAX_ATTEMPTS, keeping the error', async () => {
    sink.refuseRecipients(/^refused@/);
    await queue('refused@example.com');
    mailer.deliverSoon();
    await expectEventually(async () => expect((await row('refused@example.com')).failed_at).toBeInstanceOf(Date), { timeoutMs: 15_000 });
    const given = await row('refused@example.com');
    expect(given).toMatchObject({ attempts: 3, sent_at: null, text: null, html: null });
    expect(given.last_error).toMatch(/550/);
    expect(sink.messages).toEqual([]);
    sink.acceptAllRecipients();
  }, 20_000);

  it('never sends one mail twice when two workers drain the same outbox', async () => {
    const recipients = Array.from({ length: 40 }, (_, i) => `race-${i}@example.com`);
    await dataSource.transaction(async (manager) => {
      for (const to of recipients) await mailer.queue(manager, 'verify-email', to, () => ({ subject: 's', text: 't', html: 'h' }));
    });
    // A second worker, as another instance would run, on the same table.
    const config = testApp.app.get(AppConfig);
    const second = new MailOutboxWorker(
      testApp.app.get(MailOutboxRepository),
      new SmtpMailTransport(sink.url, config.mail.from),
      config,
    );
    second.wake();
    mailer.deliverSoon();
    const arrived = await sink.waitForCount(recipients.length, 15_000);
    await second.onModuleDestroy();
    await sleep(1_500);
    expect(sink.messages).toHaveLength(recipients.length);
    expect(new Set(arrived.flatMap((m) => m.to))).toEqual(new Set(recipients));
  }, 30_000);
});
