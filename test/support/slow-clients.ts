import { connect, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What became of one slow connection. */
export interface SlowConnection {
  localAddress: string;
  connected: boolean;
  /** The status line of what the server answered, if it answered. */
  answer?: string;
  /** Milliseconds from the connection's start to its close; undefined while it is open. */
  closedAfterMs?: number;
}

/** A request that never ends its headers: one more byte of a header value at each tick. */
export const TRICKLED_HEADERS = {
  head: 'POST /auth/login HTTP/1.1\r\nHost: accounts\r\nX-Slow: ',
  byte: 'a',
};

/** A login whose body (announced as 10 kB) comes one byte at each tick, as the reviewer sent it. */
export const TRICKLED_BODY = {
  head:
    'POST /auth/login HTTP/1.1\r\nHost: accounts\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n' +
    '{"email":"slow@example.com","password":"',
  byte: 'a',
};

/**
 * Slowloris: connections that each send the start of a request, then one byte every `tickMs`,
 * and never close by themselves. They keep sending until the server closes them, whatever it
 * answers, so that only the server can end them.
 */
export class SlowClients {
  readonly connections: SlowConnection[] = [];
  private readonly sockets = new Set<Socket>();
  /** What each socket sends at a tick. */
  private readonly requests = new WeakMap<Socket, { byte: string }>();
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly port: number,
    tickMs = 500,
  ) {
    this.ticker = setInterval(() => this.tick(), tickMs);
  }

  /**
   * Opens `count` connections from `localAddress`, `inFlight` at a time, and resolves once each
   * is connected or closed.
   */
  async open(count: number, localAddress: string, request: { head: string; byte: string }, inFlight = 200): Promise<void> {
    const opening: Promise<void>[] = [];
    for (let i = 0; i < count; i += inFlight) {
      const batch = Array.from({ length: Math.min(inFlight, count - i) }, () => this.openOne(localAddress, request));
      opening.push(...batch);
      await Promise.all(batch);
    }
    await Promise.all(opening);
  }

  /** Connections the server has not closed yet. */
  get stillOpen(): number {
    return this.connections.filter((connection) => connection.closedAfterMs === undefined).length;
  }

  /** Resolves once the server has closed every connection, or `timeoutMs` has passed. */
  async allClosed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.stillOpen > 0 && Date.now() < deadline) await sleep(100);
  }

  destroy(): void {
    clearInterval(this.ticker);
    for (const socket of this.sockets) socket.destroy();
  }

  private openOne(localAddress: string, request: { head: string; byte: string }): Promise<void> {
    const connection: SlowConnection = { localAddress, connected: false };
    this.connections.push(connection);
    const started = Date.now();
    // Half-open allowed: the server's FIN does not end the client's side, which goes on sending.
    const socket = connect({ port: this.port, host: '127.0.0.1', localAddress, allowHalfOpen: true });
    this.sockets.add(socket);
    this.requests.set(socket, request);
    socket.on('data', (chunk: Buffer) => {
      connection.answer ??= chunk.toString('latin1').split('\r\n')[0];
    });
    socket.on('error', () => undefined);
    return new Promise((resolve) => {
      socket.once('connect', () => {
        connection.connected = true;
        socket.write(request.head);
        resolve();
      });
      socket.once('close', () => {
        connection.closedAfterMs = Date.now() - started;
        this.sockets.delete(socket);
        resolve();
      });
    });
  }

  private tick(): void {
    for (const socket of this.sockets) {
      if (socket.writable && !socket.pending) socket.write(this.requests.get(socket)!.byte);
    }
  }
}
