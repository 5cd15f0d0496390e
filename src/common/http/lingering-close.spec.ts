import { once } from 'node:events';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { LINGER_MS, lingerOnClose } from './lingering-close';

/** A server socket and the client connected to it, over loopback. */
async function connectedPair(): Promise<{ server: Server; accepted: Socket; client: Socket }> {
  const server = createServer({ allowHalfOpen: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Half-open allowed, as an HTTP client's: it may go on sending after the server's FIN.
  const client = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  const [accepted] = (await once(server, 'connection')) as [Socket];
  await once(client, 'connect');
  return { server, accepted, client };
}

describe('lingerOnClose', () => {
  let pair: Awaited<ReturnType<typeof connectedPair>>;

  beforeEach(async () => {
    pair = await connectedPair();
  });

  afterEach(() => {
    jest.useRealTimers();
    pair.client.destroy();
    pair.accepted.destroy();
    pair.server.close();
  });

  it('sends the answer and a FIN, takes what the client still sends, and closes at its end', async () => {
    // The close below comes from the client's end, never from the LINGER_MS timer.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { accepted, client } = pair;
    lingerOnClose(accepted);
    accepted.write('413');
    accepted.destroySoon();

    let received = '';
    client.on('data', (data: Buffer) => (received += data.toString()));
    await once(client, 'end');
    expect(received).toBe('413');
    // Still open: a close with these bytes unread would send the client a reset.
    client.write('the rest of the upload');
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted.destroyed).toBe(false);

    // Read (as the HTTP parser reads a request) up to the client's end, then closed.
    accepted.resume();
    client.end();
    await once(accepted, 'close');
  });

  it('closes after LINGER_MS when the client keeps the connection open', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { accepted, client } = pair;
    lingerOnClose(accepted);
    accepted.destroySoon();
    await once(client, 'end');
    jest.advanceTimersByTime(LINGER_MS - 1);
    expect(accepted.destroyed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(accepted.destroyed).toBe(true);
  });

  it('closes at once when the client has closed its side already', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { accepted, client } = pair;
    lingerOnClose(accepted);
    accepted.resume();
    client.end();
    await once(accepted, 'end');
    accepted.destroySoon();
    await once(accepted, 'close');
  });
});
