import type { Socket } from 'node:net';

/** How long a connection that was answered early goes on being read before it is closed. */
export const LINGER_MS = 2_000;

/**
 * Makes the close that follows an early answer (a 413 in the middle of an upload) a lingering
 * one, as nginx's is: the answer is sent, then the write side is shut (FIN), and the connection
 * is closed once the client has closed its side, or after LINGER_MS. Nothing the client still
 * sends meanwhile is kept.
 *
 * Node's HTTP server ends a `Connection: close` answer with `socket.destroySoon()`, which closes
 * the socket as soon as the answer is written. Closed with unread bytes, a socket sends a reset,
 * and a reset can destroy the answer before the client has read it: a third of the 256-MB uploads
 * answered that way got EPIPE instead of 413.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    const timer = setTimeout(() => this.destroy(), LINGER_MS).unref();
    this.once('close', () => clearTimeout(timer));
    this.once('end', () => this.destroy());
    this.end();
  };
}
