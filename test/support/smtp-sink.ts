import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser, type HeaderValue, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** A mail as the sink received it. */
export interface ReceivedMail {
  /** The From header as mailparser formats it, e.g. `"Accounts" <no-reply@example.com>`. */
  from: string;
  /** The envelope sender (MAIL FROM), lower-cased; '' for a null sender. */
  envelopeFrom: string;
  /** The envelope recipients (RCPT TO) the sink accepted, lower-cased. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** One value per header (the first when it repeats), keyed by lower-case name; decoded where mailparser decodes it. */
  headers: Record<string, string>;
  /** The message as it came over the wire, dot-unstuffed. */
  raw: string;
}

export interface WaitOptions {
  timeoutMs?: number;
}

/** Pending waitFor/waitForCount calls: each rechecks on every arrival. */
interface Waiter {
  check(): boolean;
}

/**
 * A real SMTP server of the test's own (smtp-server, from the nodemailer project) on a loopback
 * port: no TLS, no authentication required, every accepted mail parsed into `messages`.
 * A test can stop it and start it again on the same port, so a transport URL given to the
 * service stays valid across the outage.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  port = 0;
  private server?: SMTPServer;
  private sockets = new Set<Socket>();
  /** Messages received in full whose reply (250 or an error) has not been sent yet. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiters = new Set<Waiter>();
  /** The mails nextMail has answered: it answers each once. */
  private readonly taken = new Set<ReceivedMail>();
  private refused: RegExp[] = [];

  private constructor() {}

  /** A sink listening on 127.0.0.1, on `port` or on a free one. */
  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen(port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens again on the same port after stop(); does nothing while running. */
  async restart(): Promise<void> {
    if (this.server) return;
    // Between stop() and now another process may have bound the port for a moment: retry briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listen(this.port);
      } catch (error) {
        if (attempt === 20 || (error as { cause?: { code?: string } }).cause?.code !== 'EADDRINUSE') throw error;
        await sleep(50);
      }
    }
  }

  /**
   * Stops listening and drops every connection at once, like a mail server going down; resolves
   * promptly even while clients hold idle (pooled) connections. Mail received in full but not
   * yet answered is answered first, so `messages` holds exactly what clients were told was accepted.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // smtp-server's close() waits up to 30 s for clients to leave: destroying the sockets ends that wait.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await settledWithin([...this.inFlight], 1_000);
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Forgets the mail received so far. */
  clear(): void {
    this.messages.length = 0;
  }

  /** From now on RCPT TO an address matching `pattern` fails with 550, the mail goes to the other recipients. */
  refuseRecipients(pattern: RegExp): void {
    this.refused.push(pattern);
  }

  /** Undoes refuseRecipients(). */
  acceptAllRecipients(): void {
    this.refused = [];
  }

  /** The first mail matching `predicate`, already received or yet to come. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, { timeoutMs = 10_000 }: WaitOptions = {}): Promise<ReceivedMail> {
    return this.until(() => this.messages.find(predicate), timeoutMs, 'matching the predicate');
  }

  /**
   * The first mail to `to` with this subject that nextMail has not answered before, already
   * received or yet to come: asked twice, it answers the first such mail, then the second.
   */
  async nextMail(to: string, subject: string, options?: WaitOptions): Promise<ReceivedMail> {
    const mail = await this.waitFor((m) => m.to.includes(to.toLowerCase()) && m.subject === subject && !this.taken.has(m), options);
    this.taken.add(mail);
    return mail;
  }

  /** All mail received, once there are at least `count`. */
  waitForCount(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    return this.until(
      () => (this.messages.length >= count ? [...this.messages] : undefined),
      timeoutMs,
      `to reach ${count} message(s)`,
    );
  }

  /** The http(s) URLs in the text part, in order, without trailing punctuation. */
  linksIn(mail: ReceivedMail): string[] {
    return (mail.text.match(/https?:\/\/[^\s<>"'()[\]]+/g) ?? []).map((url) => url.replace(/[.,;:!?]+$/, ''));
  }

  /** The `token` parameter of the mail's first link, as a verification, reset or invitation link carries it. */
  linkToken(mail: ReceivedMail): string {
    return new URL(this.linksIn(mail)[0]).searchParams.get('token')!;
  }

  private async listen(port: number): Promise<void> {
    const sockets = new Set<Socket>();
    const server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      // A reverse DNS lookup of 127.0.0.1 took about 100 ms a connection here.
      disableReverseLookup: true,
      authOptional: true,
      // A transport URL with credentials still works: any user and password is accepted.
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onRcptTo: (address, _session, callback) => {
        const refused = this.refused.some((pattern) => address.address.search(pattern) !== -1);
        if (!refused) return callback();
        const error = new Error(`Recipient <${address.address}> refused by the test's SMTP sink`);
        callback(Object.assign(error, { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        // A client gone mid-message: the message was never accepted, there is nobody to answer.
        stream.on('error', () => undefined);
        stream.on('end', () => {
          const reply = this.receive(Buffer.concat(chunks), session).then(
            () => callback(),
            (error: Error) => callback(error),
          );
          this.inFlight.add(reply);
          void reply.finally(() => this.inFlight.delete(reply));
        });
      },
    });
    server.server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    // Connections reset by clients or by stop() surface here; they are no failure of the sink.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error) =>
        reject(new Error(`SmtpSink could not listen on 127.0.0.1:${port}: ${error.message}`, { cause: error }));
      server.server.once('error', failed);
      server.listen(port, '127.0.0.1', () => {
        server.server.removeListener('error', failed);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    this.sockets = sockets;
  }

  private async receive(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(raw);
    const mailFrom = session.envelope.mailFrom;
    this.messages.push({
      from: parsed.from?.text ?? '',
      envelopeFrom: mailFrom ? mailFrom.address.toLowerCase() : '',
      to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      messageId: parsed.messageId ?? '',
      headers: headersOf(parsed),
      raw: raw.toString('utf8'),
    });
    for (const waiter of this.waiters) waiter.check();
  }

  private until<T>(found: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const result = found();
          if (result === undefined) return false;
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve(result);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`SmtpSink: no mail ${what} within ${timeoutMs} ms; received: ${this.summary()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  private summary(): string {
    if (this.messages.length === 0) return 'nothing';
    return this.messages.map((mail, i) => `\n  ${i + 1}. to ${mail.to.join(', ')}: "${mail.subject}"`).join('');
  }
}

function headersOf(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (key in headers) continue;
    const raw = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    headers[key] = decoded(parsed.headers.get(key)) ?? raw;
  }
  return headers;
}

/** mailparser's decoded value when it is text (Subject, Message-ID) or addresses (From, To). */
function decoded(value: HeaderValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return undefined;
}

/** Waits for `promises` to settle, but no longer than `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
