// Mails a second one instance's outbox worker delivers to a local SMTP server (issue 13).
//
//   TS_NODE_SWC=true node -r ts-node/register/transpile-only bench/mail-rate.ts [mails=1000]
//
// Queues the mails in one transaction, then times the worker until the test's SMTP server
// (test/support/smtp-sink.ts, in this same process, parsing each mail) has them all. On embedded
// PGlite, or on PostgreSQL with TEST_DATABASE_URL.
import { DataSource } from 'typeorm';
import { Mailer } from '../src/mail/mailer.service';
import { verifyEmailMail } from '../src/mail/templates/verify-email';
import { SmtpSink } from '../test/support/smtp-sink';
import { startTestApp } from '../test/support/test-app';

async function main(): Promise<void> {
  const mails = Number(process.argv[2] ?? 1000);
  const sink = await SmtpSink.start();
  const testApp = await startTestApp({ MAIL_TRANSPORT: sink.url, MAIL_MAX_PER_HOUR: String(mails) });
  const mailer = testApp.app.get(Mailer);
  await testApp.app.get(DataSource).transaction(async (manager) => {
    for (let i = 0; i < mails; i++) {
      const link = `http://localhost:3000/verify-email?token=${i}`;
      await mailer.queue(manager, 'verify-email', `reader-${i}@example.com`, () => verifyEmailMail({ link, validSeconds: 86_400 }));
    }
  });
  const started = Date.now();
  mailer.deliverSoon();
  await sink.waitForCount(mails, 600_000);
  const seconds = (Date.now() - started) / 1000;
  const database = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(`${mails} mails in ${seconds} s: ${Math.round(mails / seconds)} mails a second (${database})`);
  await testApp.close();
  await sink.stop();
}

void main();
