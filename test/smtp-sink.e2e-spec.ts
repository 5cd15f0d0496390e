import { createTransport, type Transporter } from 'nodemailer';
import { SmtpSink } from './support/smtp-sink';

// The harness the mail outbox tests rely on, checked with nodemailer, the service's own SMTP client.
describe('SmtpSink, the SMTP server mail tests deliver to', () => {
  let sink: SmtpSink;
  const transports: Transporter[] = [];

  /** A nodemailer transport to the sink, closed after the test. */
  function transportToSink(options: { pool?: boolean } = {}): Transporter {
    const transport = createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ...options });
    transports.push(transport);
    return transport;
  }

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });

  beforeEach(async () => {
    // A test that failed half-way may have left the sink stopped or refusing.
    await sink.restart();
    sink.acceptAllRecipients();
    sink.clear();
  });

  afterEach(() => {
    for (const transport of transports.splice(0)) transport.close();
  });

  afterAll(async () => {
    await sink.stop();
  });

  it('parses a delivered mail: envelope recipients, headers, text, html and the links of the text', async () => {
    // Longer than a 76-character line: quoted-printable soft breaks must not cut the link.
    const verifyUrl = `https://accounts.example.com/verify-email?token=${'a1b2c3d4'.repeat(12)}&user=42`;
    const info = await transportToSink().sendMail({
      from: '"Accounts" <no-reply@example.com>',
      to: 'New.User@Example.COM',
      subject: 'Bestätigen Sie Ihre Adresse',
      text: `Follow ${verifyUrl} to confirm.\nQuestions? See https://accounts.example.com/help.`,
      html: `<p><a href="${verifyUrl}">Confirm</a></p>`,
    });

    const mail = await sink.waitFor((m) => m.to.includes('new.user@example.com'), { timeoutMs: 1_000 });
    expect(mail).toMatchObject({
      from: '"Accounts" <no-reply@example.com>',
      envelopeFrom: 'no-reply@example.com',
      to: ['new.user@example.com'],
      subject: 'Bestätigen Sie Ihre Adresse',
      html: `<p><a href="${verifyUrl}">Confirm</a></p>`,
      messageId: info.messageId,
    });
    expect(mail.headers).toMatchObject({ subject: 'Bestätigen Sie Ihre Adresse', 'message-id': info.messageId });
    expect(mail.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(mail.raw).toContain(`Message-ID: ${info.messageId}`);
    expect(sink.linksIn(mail)).toEqual([verifyUrl, 'https://accounts.example.com/help']);
    expect(sink.messages).toHaveLength(1);
  });

  it('waitFor resolves with a mail that arrives after the call', async () => {
    const arriving = sink.waitFor((m) => m.subject === 'later', { timeoutMs: 1_000 });
    await transportToSink().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'later', text: 'x' });
    await expect(arriving).resolves.toMatchObject({ subject: 'later', to: ['b@example.com'] });
  });

  it('waitFor rejects after its timeout with a list of what did arrive', async () => {
    await transportToSink().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'the only one', text: 'x' });
    await expect(sink.waitFor((m) => m.subject === 'never sent', { timeoutMs: 100 })).rejects.toThrow(
      /within 100 ms; received: \n {2}1\. to b@example\.com: "the only one"/,
    );
    await expect(sink.waitForCount(2, 100)).rejects.toThrow(/to reach 2 message/);
  });

  it('refuses connections while stopped and takes mail again on the same port after restart()', async () => {
    const { port, url } = sink;
    await sink.stop();
    await expect(
      transportToSink().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'lost', text: 'x' }),
    ).rejects.toThrow(/ECONNREFUSED/);

    await sink.restart();
    expect(sink.port).toBe(port);
    expect(sink.url).toBe(url);
    await transportToSink().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'after restart', text: 'x' });
    const [mail] = await sink.waitForCount(1, 1_000);
    expect(mail.subject).toBe('after restart');
    expect(sink.messages).toHaveLength(1);
  });

  it('answers 550 to a refused recipient: alone, the mail fails and nothing arrives', async () => {
    sink.refuseRecipients(/@bounce\.example\.com$/);
    const transport = transportToSink();

    await expect(
      transport.sendMail({ from: 'a@example.com', to: 'nobody@bounce.example.com', subject: 'refused', text: 'x' }),
    ).rejects.toMatchObject({ code: 'EENVELOPE', responseCode: 550 });

    // With another recipient the mail goes out to that one only, and nodemailer reports the refusal.
    const info = await transport.sendMail({
      from: 'a@example.com',
      to: ['someone@example.com', 'nobody@bounce.example.com'],
      subject: 'half refused',
      text: 'x',
    });
    expect(info.rejected).toEqual(['nobody@bounce.example.com']);
    expect(sink.messages.map((m) => ({ subject: m.subject, to: m.to }))).toEqual([
      { subject: 'half refused', to: ['someone@example.com'] },
    ]);
  });

  it('stop() resolves promptly while a pooled connection idles, and the pool reconnects after restart()', async () => {
    const pooled = transportToSink({ pool: true });
    await pooled.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'pooled 1', text: 'x' });

    const started = performance.now();
    await sink.stop();
    expect(performance.now() - started).toBeLessThan(1_000);

    await sink.restart();
    await pooled.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'pooled 2', text: 'x' });
    expect(sink.messages.map((m) => m.subject)).toEqual(['pooled 1', 'pooled 2']);
  });
});
