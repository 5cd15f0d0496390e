import { once } from 'node:events';
import { connect, Socket } from 'node:net';

/** An answer as it came over the wire. */
export interface RawAnswer {
  status: number;
  /** By lower-case name. */
  headers: Record<string, string>;
  body: string;
}

export interface RawTarget {
  port: number;
  host?: string;
  /** The client's own address, such as 127.0.0.2: another client, to the server. */
  localAddress?: string;
}

/**
 * A connection that writes bytes as given, for what fetch cannot send (a malformed request line,
 * a header over 16 kB, no Host, a request cut in two), and reads the answers as they come.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private waiting?: () => void;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiting?.();
    });
    // A reset after the answer is the server's business; the answer was read.
    socket.on('error', () => undefined);
    socket.on('close', () => this.waiting?.());
  }

  static async open({ port, host = '127.0.0.1', localAddress }: RawTarget): Promise<RawConnection> {
    const socket = connect({ port, host, localAddress });
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  /** True once the connection has closed, whichever end closed it. */
  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * The next whole answer (interim 1xx answers skipped), or null when the server closes the
   * connection without one or `timeoutMs` passes first. `head` for the answer to a HEAD request,
   * which has no body whatever its Content-Length says.
   */
  async answer(timeoutMs = 5_000, { head = false } = {}): Promise<RawAnswer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.takeAnswer(head, this.socket.destroyed);
      if (parsed) return parsed.status < 200 ? this.answer(deadline - Date.now(), { head }) : parsed;
      if (this.socket.destroyed || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Removes the first answer from what was received, once it is all there. */
  private takeAnswer(head: boolean, closed: boolean): RawAnswer | null {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...lines] = this.received.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(' ')[1]);
    const length = head || status < 200 || status === 204 || status === 304 ? 0 : headers['content-length'];
    let bodyEnd: number;
    if (length !== undefined) {
      bodyEnd = end + 4 + Number(length);
      if (this.received.length < bodyEnd) return null;
    } else if (closed) {
      bodyEnd = this.received.length;
    } else {
      return null;
    }
    const body = this.received.subarray(end + 4, bodyEnd).toString('utf8');
    this.received = this.received.subarray(bodyEnd);
    return { status, headers, body };
  }
}

/** Sends `request` on a connection of its own and reads its answer (null: none came). */
export async function rawRequest(target: RawTarget, request: string, { timeoutMs = 5_000, head = false } = {}): Promise<RawAnswer | null> {
  const connection = await RawConnection.open(target);
  try {
    connection.write(request);
    return await connection.answer(timeoutMs, { head });
  } finally {
    connection.destroy();
  }
}
