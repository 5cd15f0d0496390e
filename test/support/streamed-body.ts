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
  /** How many bytes of the body had been sent when the answer came. */
  sentBeforeAnswer: number;
}

/**
 * A request whose body is streamed from one reused chunk (so that the client holds no more than
 * that chunk) until the server answers, as a client uploading a large file does. A reset or a
 * broken pipe before the answer is a lost answer: the promise rejects with it.
 */
export function streamBody(url: string, { method = 'PUT', headers, head = '', size, tail = '' }: StreamedBody): Promise<EarlyAnswer> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpRequest(url, { method, headers });
    request.on('response', (response) => {
      answered = true;
      const sentBeforeAnswer = sent;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (data: string) => (body += data));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, sentBeforeAnswer });
      });
    });
    // The server closes the connection once it has answered; an error after that is expected.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const next = (): void => {
      while (!answered && sent < size) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', next);
          return;
        }
      }
      if (!answered) request.end(tail);
    };
    // Before the connection is made, a write never says "wait": it would queue the whole body.
    request.once('socket', (socket) =>
      socket.once('connect', () => {
        request.write(head);
        next();
      }),
    );
    request.flushHeaders();
  });
}
