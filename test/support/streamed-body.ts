import { request as httpRequest } from 'node:http';

export interface StreamedBody {
  method?: string;
  headers: Record<string, string>;
  /** Sent first, then `size` bytes of filler, then `tail`. */
  head?: string;
  size: number;
  tail?: string;
}

export interface EarlyAnswer {
  status: number;
  body: string;
  /** Whether the client still had part of the body to write when the answer came. */
  stillSending: boolean;
  /** How many bytes of the filler had been written when the answer came (for failure messages). */
  sentBeforeAnswer: number;
}

/**
 * A request whose body is streamed from one reused chunk (so that the client holds no more than
 * that chunk) until the server answers, as a client uploading a large file does. A reset or a
 * broken pipe before the answer is a lost answer: the promise rejects with it.
 *
 * Each chunk is written once the one before has gone to the socket, so that the client looks for
 * an answer between any two chunks: written in one synchronous loop while the kernel takes them,
 * tens of megabytes could go before the client saw an answer that had long arrived, more on a
 * busier machine. So `stillSending` tells whether the answer came before the body's end, whatever
 * the machine's load.
 */
export function streamBody(url: string, { method = 'PUT', headers, head = '', size, tail = '' }: StreamedBody): Promise<EarlyAnswer> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let ended = false;
    let answered = false;
    const request = httpRequest(url, { method, headers });
    request.on('response', (response) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const stillSending = !ended;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (data: string) => (body += data));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, stillSending, sentBeforeAnswer });
      });
    });
    // The server closes the connection once it has answered; an error after that is expected.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const next = (error?: Error | null): void => {
      // A failed write is reported by the request's 'error' too.
      if (answered || error) return;
      if (sent < size) {
        sent += chunk.length;
        request.write(chunk, next);
        return;
      }
      ended = true;
      request.end(tail);
    };
    // Before the connection is made, a write is only queued: the body would pile up in memory.
    request.once('socket', (socket) =>
      socket.once('connect', () => {
        request.write(head);
        next();
      }),
    );
    request.flushHeaders();
  });
}
