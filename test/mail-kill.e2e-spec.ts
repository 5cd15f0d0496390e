import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceOnFreePort, ServiceProcess } from './support/service-process';
import { SmtpSink } from './support/smtp-sink';

/** A mail committed with its change survives a kill -9 of the service before delivery. */
describe('mail outbox across kill -9', () => {
  let sink: SmtpSink;
  let service: ServiceProcess;
  let dataDir: string;

  beforeAll(async () => {
    // Started to have a port, then stopped: SMTP is down until the service is killed.
    sink = await SmtpSink.start();
    await sink.stop();
    dataDir = mkdtempSync(join(tmpdir(), 'mail-kill-'));
    service = await serviceOnFreePort({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      MAIL_TRANSPORT: sink.url,
      LOG_LEVEL: 'silent',
    });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await sink?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the sign-up mail after the restart, once', async () => {
    await service.start();
    const email = `killed-${Date.now()}@example.com`;
    const signedUp = await fetch(`${service.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'survives a kill -9', name: 'Kim' }),
    });
    expect(signedUp.status).toBe(201);
    // Let a try fail on the closed port, so the row holds no lease when the process dies.
    await sleep(500);
    expect(await service.stop('SIGKILL')).toBeNull();

    await sink.restart();
    await service.start();
    // Due within seconds; at worst after a 60 s lease, had the kill come between a claim and its outcome.
    const mail = await sink.waitFor((m) => m.to.includes(email), { timeoutMs: 80_000 });
    expect(mail.subject).toBe('Confirm your email address');
    expect(sink.linksIn(mail)).toHaveLength(1);
    await sleep(2_000);
    expect(sink.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
  }, 120_000);
});
