import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { LINGER_MS } from '../../src/common/http/lingering-close';
import { ApiClient } from '../support/api-client';
import { RawAnswer, RawConnection, rawRequest, RawTarget } from '../support/raw-http';
import { useServiceProcess } from '../support/service-process';
import { SlowClients, TRICKLED_BODY, TRICKLED_HEADERS } from '../support/slow-clients';
import { startTestApp } from '../support/test-app';
import { useAttackApp } from './support/attack-app';

/**
 * The connection findings of the second security review (issue 22: 7, 15 and 16), each as the
 * reviewer met it on main: every test here failed on the code before the fix.
 */

/** The largest value `read` gave, sampled every 50 ms until `stop()`. */
function sampleMax(read: () => number): { stop(): number } {
  let max = read();
  const timer = setInterval(() => (max = Math.max(max, read())), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(max, read());
    },
  };
}

/** The settings of this file's service processes (useServiceProcess), before each block's own. */
const SERVICE_ENV = { NODE_ENV: 'test', LOG_LEVEL: 'info' };

describe('finding 7: slow connections time out, and one address or many cannot hold more than their share', () => {
  // Short limits, so that the test takes seconds; the defaults are in docs/configuration.md.
  const HEADERS_TIMEOUT_MS = 3_000;
  const REQUEST_TIMEOUT_MS = 6_000;
  const IDLE_TIMEOUT_MS = 4_000;
  const PER_ADDRESS = 50;
  const IN_ALL = 300;
  const { service } = useServiceProcess({
    ...SERVICE_ENV,
    HTTP_HEADERS_TIMEOUT: `${HEADERS_TIMEOUT_MS}ms`,
    HTTP_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms`,
    HTTP_IDLE_TIMEOUT: `${IDLE_TIMEOUT_MS}ms`,
    HTTP_MAX_CONNECTIONS: String(IN_ALL),
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
  });
  /**
   * When a connection past its timeout is closed at the latest: noticed within a tenth of the
   * headers timeout, then a lingering close of up to LINGER_MS, with 3 s to spare for a busy
   * machine. A bound on an outcome (closed or not), not a claim about speed.
   */
  const closedWithin = (timeoutMs: number) => timeoutMs + HEADERS_TIMEOUT_MS / 10 + LINGER_MS + 3_000;
  /** Files the process may open beyond those it had before: its own work meanwhile (a login's, a health check's). */
  const SPARE_FILES = 20;
  let slow: SlowClients;

  beforeEach(() => {
    slow = new SlowClients(service().port);
  });

  afterEach(() => slow.destroy());

  it("answers 408 to a login whose body comes a byte at a time, and closes it, once HTTP_REQUEST_TIMEOUT has passed (the reviewer's)", async () => {
    await slow.open(1, '127.0.0.1', TRICKLED_BODY);
    await slow.allClosed(closedWithin(REQUEST_TIMEOUT_MS));
    const [connection] = slow.connections;
    expect(connection).toMatchObject({ connected: true, answer: 'HTTP/1.1 408 Request Timeout', closedAfterMs: expect.any(Number) });
    // Not before: a client within the limit is not cut.
    expect(connection.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
  }, 30_000);

  it('answers 408 to headers that come a byte at a time, and closes the connection, once HTTP_HEADERS_TIMEOUT has passed', async () => {
    await slow.open(1, '127.0.0.1', TRICKLED_HEADERS);
    await slow.allClosed(closedWithin(HEADERS_TIMEOUT_MS));
    const [connection] = slow.connections;
    expect(connection).toMatchObject({ connected: true, answer: 'HTTP/1.1 408 Request Timeout', closedAfterMs: expect.any(Number) });
    expect(connection.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
  }, 30_000);

  it('closes a connection that falls silent in the middle of a request once HTTP_IDLE_TIMEOUT has passed', async () => {
    const connection = await RawConnection.open({ port: service().port });
    connection.write(TRICKLED_BODY.head);
    // Closed without an answer: by the idle timeout, before the request timeout would answer 408.
    const answer = await connection.answer(closedWithin(IDLE_TIMEOUT_MS));
    expect({ answer, closed: connection.isClosed }).toEqual({ answer: null, closed: true });
  }, 30_000);

  it('answers /health and a login while 2,000 slow connections come from one address, of which it holds HTTP_MAX_CONNECTIONS_PER_ADDRESS, and closes every one', async () => {
    const api = new ApiClient(service().url);
    const { user, password } = await api.register();
    const filesBefore = service().openFiles();
    const files = sampleMax(() => service().openFiles());

    await Promise.all([slow.open(1_000, '127.0.0.2', TRICKLED_HEADERS), slow.open(1_000, '127.0.0.2', TRICKLED_BODY)]);
    const health = await fetch(`${service().url}/health`);
    const login = await api.post('/auth/login', { body: { email: user.email, password } });
    const heldMeanwhile = slow.stillOpen;
    await slow.allClosed(closedWithin(REQUEST_TIMEOUT_MS));
    const mostFiles = files.stop();

    // Answered while slow connections were still held, from another address (127.0.0.1).
    expect({ health: health.status, login: login.status, slowConnectionsHeld: heldMeanwhile > 0 }).toEqual({
      health: 200,
      login: 200,
      slowConnectionsHeld: true,
    });
    expect(slow.connections.filter(({ connected }) => connected)).toHaveLength(2_000);
    expect(slow.stillOpen).toBe(0);
    // The others were refused as they came; those it held were answered 408, then closed.
    const answers = slow.connections.flatMap(({ answer }) => (answer ? [answer] : []));
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers)).toEqual(new Set(['HTTP/1.1 408 Request Timeout']));
    expect(mostFiles - filesBefore).toBeLessThanOrEqual(PER_ADDRESS + SPARE_FILES);
  }, 90_000);

  it('holds HTTP_MAX_CONNECTIONS at most when 2,000 slow connections come from 40 addresses, and answers again once it has closed them', async () => {
    const filesBefore = service().openFiles();
    const files = sampleMax(() => service().openFiles());

    await Promise.all(
      Array.from({ length: 40 }, (_, i) => slow.open(50, `127.0.1.${i + 1}`, i % 2 ? TRICKLED_BODY : TRICKLED_HEADERS, 50)),
    );
    await slow.allClosed(closedWithin(REQUEST_TIMEOUT_MS) + REQUEST_TIMEOUT_MS);
    const mostFiles = files.stop();

    expect(slow.stillOpen).toBe(0);
    expect(mostFiles - filesBefore).toBeLessThanOrEqual(IN_ALL + SPARE_FILES);
    expect((await fetch(`${service().url}/health`)).status).toBe(200);
  }, 90_000);
});

/** The headers every answer must carry, by name. */
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'cache-control',
];

const securityHeadersOf = (answer: RawAnswer | null) =>
  Object.fromEntries(SECURITY_HEADERS.map((name) => [name, answer?.headers[name]]));

describe("finding 15: every answer carries the security headers and no-store, the router's and the parser's refusals included", () => {
  const ORIGIN = 'https://app.example.com';
  const { api } = useAttackApp({ CORS_ORIGINS: ORIGIN, HTTP_HEADERS_TIMEOUT: '1s', HTTP_REQUEST_TIMEOUT: '1s' });
  const target = (): RawTarget => ({ port: Number(new URL(api.baseUrl).port) });
  /** The headers of an answer that passed every hook. */
  let expected: Record<string, string | undefined>;

  beforeAll(async () => {
    const health = await api.get('/health');
    expected = Object.fromEntries(SECURITY_HEADERS.map((name) => [name, health.headers.get(name) ?? undefined]));
    expect(Object.values(expected).every((value) => typeof value === 'string' && value.length > 0)).toBe(true);
    expect(expected['cache-control']).toBe('no-store');
  });

  function expectProblemWithHeaders(answer: RawAnswer | null, status: number): void {
    expect(answer?.status).toBe(status);
    expect(securityHeadersOf(answer)).toEqual(expected);
    expect(answer!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer!.body)).toMatchObject({ status, type: expect.any(String), title: expect.any(String), code: expect.any(String) });
  }

  it.each([
    { label: 'a URL it cannot decode', head: 'GET /users/%zz HTTP/1.1\r\nHost: accounts', status: 400 },
    { label: 'a path segment over 100 characters', head: `GET /api/users/${'1'.repeat(200)} HTTP/1.1\r\nHost: accounts`, status: 414 },
    { label: 'a URL over 16 kB', head: `GET /health?${'q'.repeat(17_000)} HTTP/1.1\r\nHost: accounts`, status: 431 },
    { label: 'a header over 16 kB', head: `GET /health HTTP/1.1\r\nHost: accounts\r\nX-Big: ${'b'.repeat(17_000)}`, status: 431 },
    { label: 'a request that is not HTTP', head: 'HELLO', status: 400 },
    { label: 'a method HTTP does not know', head: 'BREW /health HTTP/1.1\r\nHost: accounts', status: 400 },
    { label: 'an HTTP/1.1 request without Host', head: 'GET /health HTTP/1.1', status: 400 },
    { label: 'a Content-Length that is no number', head: 'POST /auth/login HTTP/1.1\r\nHost: accounts\r\nContent-Length: ten', status: 400 },
    { label: 'an expectation other than 100-continue', head: 'POST /auth/login HTTP/1.1\r\nHost: accounts\r\nExpect: teapot\r\nContent-Type: application/json\r\nContent-Length: 2', status: 417 },
    { label: 'a request target that is no path', head: 'GET * HTTP/1.1\r\nHost: accounts', status: 404 },
    { label: 'a route that does not exist', head: 'GET /no-such-route HTTP/1.1\r\nHost: accounts', status: 404 },
    { label: 'a method the path does not take', head: 'PATCH /users HTTP/1.1\r\nHost: accounts', status: 404 },
  ])('$label: $status, a problem', async ({ head, status }) => {
    expectProblemWithHeaders(await rawRequest(target(), `${head}\r\n\r\n`), status);
  });

  it('a request whose body does not come within HTTP_REQUEST_TIMEOUT: 408, a problem', async () => {
    const head = 'POST /auth/login HTTP/1.1\r\nHost: accounts\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":';
    expectProblemWithHeaders(await rawRequest(target(), head), 408);
  });

  it.each([
    ['a preflight from an allowed origin', `OPTIONS /users HTTP/1.1\r\nHost: accounts\r\nOrigin: ${ORIGIN}\r\nAccess-Control-Request-Method: PUT`],
    ['a preflight from another origin', 'OPTIONS /users HTTP/1.1\r\nHost: accounts\r\nOrigin: https://else.example.com\r\nAccess-Control-Request-Method: PUT'],
    ['an OPTIONS without Origin', 'OPTIONS /users HTTP/1.1\r\nHost: accounts'],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: accounts'],
  ])('%s', async (_label, head) => {
    const answer = await rawRequest(target(), `${head}\r\nConnection: close\r\n\r\n`);
    expect(answer?.status).toBeLessThan(500);
    expect(securityHeadersOf(answer)).toEqual(expected);
    if (head.includes(ORIGIN)) expect(answer!.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it.each([
    { label: 'HEAD of a route', line: 'HEAD /health HTTP/1.1', status: 200 },
    { label: 'HEAD of no route', line: 'HEAD /no-such-route HTTP/1.1', status: 404 },
  ])('$label: $status', async ({ line, status }) => {
    const answer = await rawRequest(target(), `${line}\r\nHost: accounts\r\nConnection: close\r\n\r\n`, { head: true });
    expect(answer?.status).toBe(status);
    expect(securityHeadersOf(answer)).toEqual(expected);
  });

  it('a request whose headers were still coming in when the service began to shut down', async () => {
    const testApp = await startTestApp();
    const port = Number(new URL(testApp.api.baseUrl).port);
    const connection = await RawConnection.open({ port });
    connection.write('GET /health HTTP/1.1\r\nHost: accounts\r\n');
    const closed = testApp.close();
    // Shutdown has begun once the service accepts no new connection.
    for (let tries = 0; ; tries++) {
      const refused = await RawConnection.open({ port }).then(
        (other) => void other.destroy(),
        (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
      );
      if (refused) break;
      expect(tries).toBeLessThan(100);
      await sleep(50);
    }
    connection.write('\r\n');
    const answer = await connection.answer();
    connection.destroy();
    await closed;
    expect(answer?.status).toBeDefined();
    expect(securityHeadersOf(answer)).toEqual(expected);
    expect(answer!.headers.connection).toBe('close');
  });
});

/** GET /health at `host` on a connection of its own: its status, or the code of the error it met. */
function healthAt(host: string, port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/health', agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('finding 16: HOST names the interface the service listens on', () => {
  describe('HOST=127.0.0.3', () => {
    const { service } = useServiceProcess({ ...SERVICE_ENV, HOST: '127.0.0.3' });

    it('listens there alone, and names it in its start-up line', async () => {
      expect(await healthAt('127.0.0.3', service().port)).toBe(200);
      expect(await healthAt('127.0.0.1', service().port)).toBe('ECONNREFUSED');
      expect(service().output).toContain(`Listening on http://127.0.0.3:${service().port}`);
    });
  });

  describe('without HOST', () => {
    const { service } = useServiceProcess(SERVICE_ENV);

    it('listens on every interface (0.0.0.0), and names localhost in its start-up line', async () => {
      expect(await healthAt('127.0.0.3', service().port)).toBe(200);
      expect(await healthAt('127.0.0.1', service().port)).toBe(200);
      expect(service().output).toContain(`Listening on http://localhost:${service().port}`);
    });
  });
});
