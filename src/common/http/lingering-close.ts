import type { Socket } from 'node:net';

/** How long a closing connection waits for the client to close its side. */
export const LINGER_MS = 2_000;

/**
 * Makes the server's close after an answer a lingering one, as nginx's is: the answer is sent,
 * then the write side is shut (FIN), and the connection is closed once the client has closed its
 * side, or after LINGER_MS. Nothing the client still sends meanwhile is kept. Registered on every
 * connection (app.factory.ts).
 *
 * Node's HTTP server ends a `Connection: close` answer with `socket.destroySoon()`, which closes
 * the socket as soon as the answer is written. A socket closed with unread bytes sends a reset,
 * and the reset can destroy the answer before the client has read it. A body refused before it
 * was read (413 for a JSON body over 100 kB or an upload over AVATAR_MAX_BYTES) got EPIPE instead
 * of its 413 in one request out of three to two out of three.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    // The client has closed its side already: nothing can be lost.
    if (this.readableEnded) return void this.end(() => this.destroy());
    const timer = setTimeout(() => this.destroy(), LINGER_MS).unref();
    this.once('close', () => clearTimeout(timer));
    this.once('end', () => this.destroy());
    this.end();
  };
}
