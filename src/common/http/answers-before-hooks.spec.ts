import { once } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { expectationRefusal, parserRefusal, routerRefusal } from './answers-before-hooks';
import { lingerOnClose } from './lingering-close';

const HEADERS = Object.freeze({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });

/** A server socket, lingering on close as every connection of the service does, and its client. */
async function connectedPair(): Promise<{ server: Server; accepted: Socket; client: Socket; received: () => string }> {
  const server = createServer({ allowHalfOpen: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  const [accepted] = (await once(server, 'connection')) as [Socket];
  lingerOnClose(accepted);
  await once(client, 'connect');
  let text = '';
  client.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { server, accepted, client, received: () => text };
}

const errorWithCode = (code: string) => Object.assign(new Error(code), { code });

describe('parserRefusal', () => {
  let pair: Awaited<ReturnType<typeof connectedPair>>;

  beforeEach(async () => {
    pair = await connectedPair();
  });

  afterEach(() => {
    pair.client.destroy();
    pair.accepted.destroy();
    pair.server.close();
  });

  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'Request Timeout', 'REQUEST_TIMEOUT'],
    ['HPE_HEADER_OVERFLOW', 431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'Payload Too Large', 'PAYLOAD_TOO_LARGE'],
    ['HPE_INVALID_METHOD', 400, 'Bad Request', 'VALIDATION_FAILED'],
  ])('answers %s with %d, a problem with the headers of every answer, and closes (FIN first)', async (code, status, reason, problemCode) => {
    parserRefusal(HEADERS)(errorWithCode(code), pair.accepted);
    await once(pair.client, 'end');
    const [head, body] = pair.received().split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      `HTTP/1.1 ${status} ${reason}`,
      'x-content-type-options: nosniff',
      'cache-control: no-store',
      'content-type: application/problem+json; charset=utf-8',
      // No header was read: English, said so.
      'content-language: en',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ]);
    expect(JSON.parse(body)).toMatchObject({ status, code: problemCode, title: reason, type: expect.stringMatching(/^\/problems\//) });
  });

  it('writes nothing more for the bytes that fail to parse while the answer lingers', async () => {
    const refuse = parserRefusal(HEADERS);
    refuse(errorWithCode('HPE_INVALID_METHOD'), pair.accepted);
    refuse(errorWithCode('HPE_INVALID_METHOD'), pair.accepted);
    await once(pair.client, 'end');
    expect(pair.received().match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
    expect(pair.accepted.destroyed).toBe(false);
  });

  it('only closes a connection the client has reset', async () => {
    parserRefusal(HEADERS)(errorWithCode('ECONNRESET'), pair.accepted);
    await once(pair.client, 'end');
    expect(pair.received()).toBe('');
    expect(pair.accepted.destroyed).toBe(true);
  });
});

describe('routerRefusal', () => {
  it('answers a problem with the headers of every answer and the request id', () => {
    const reply = { headers: jest.fn(), header: jest.fn(), status: jest.fn(), type: jest.fn(), send: jest.fn() };
    for (const method of ['headers', 'header', 'status', 'type'] as const) reply[method].mockReturnValue(reply);
    const error = Object.assign(new Error("'/users/%zz' is not a valid url component"), { code: 'FST_ERR_BAD_URL', statusCode: 400 });
    routerRefusal(HEADERS)(error as never, { id: 'request-1', headers: {} } as never, reply as never);
    expect(reply.headers).toHaveBeenCalledWith(HEADERS);
    expect(reply.header).toHaveBeenCalledWith('X-Request-Id', 'request-1');
    expect(reply.header).toHaveBeenCalledWith('Content-Language', 'en');
    expect(reply.status).toHaveBeenCalledWith(400);
    expect(reply.type).toHaveBeenCalledWith('application/problem+json; charset=utf-8');
    expect(reply.send).toHaveBeenCalledWith(expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED', detail: 'The URL is not valid.' }));
  });

  it('answers in the language of Accept-Language, with the same code', () => {
    const reply = { headers: jest.fn(), header: jest.fn(), status: jest.fn(), type: jest.fn(), send: jest.fn() };
    for (const method of ['headers', 'header', 'status', 'type'] as const) reply[method].mockReturnValue(reply);
    const error = Object.assign(new Error("'/users/%zz' is not a valid url component"), { code: 'FST_ERR_BAD_URL', statusCode: 400 });
    routerRefusal(HEADERS)(error as never, { id: 'request-1', headers: { 'accept-language': 'es-MX' } } as never, reply as never);
    expect(reply.header).toHaveBeenCalledWith('Content-Language', 'es');
    expect(reply.send).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'VALIDATION_FAILED', title: 'Solicitud incorrecta', detail: 'La URL no es válida.' }),
    );
  });
});

describe('expectationRefusal', () => {
  it('answers 417, a problem with the headers of every answer', () => {
    const response = new ServerResponse(new IncomingMessage(new Socket()));
    const writeHead = jest.spyOn(response, 'writeHead').mockReturnValue(response);
    const end = jest.spyOn(response, 'end').mockReturnValue(response);
    expectationRefusal(HEADERS)(response.req, response);
    const body = end.mock.calls[0][0] as string;
    expect(writeHead).toHaveBeenCalledWith(417, {
      ...HEADERS,
      'content-type': 'application/problem+json; charset=utf-8',
      'content-language': 'en',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(JSON.parse(body)).toMatchObject({
      status: 417,
      title: 'Expectation Failed',
      detail: 'Expect: 100-continue is the only expectation this service meets.',
    });
  });

  it('answers in Spanish to a request that prefers it', () => {
    const response = new ServerResponse(new IncomingMessage(new Socket()));
    response.req.headers['accept-language'] = 'es';
    jest.spyOn(response, 'writeHead').mockReturnValue(response);
    const end = jest.spyOn(response, 'end').mockReturnValue(response);
    expectationRefusal(HEADERS)(response.req, response);
    expect(JSON.parse(end.mock.calls[0][0] as string)).toMatchObject({
      status: 417,
      title: 'Expectativa fallida',
      detail: 'Expect: 100-continue es la única expectativa que admite este servicio.',
    });
  });
});
