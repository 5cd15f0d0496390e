import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, ApiResponse, RequestOptions } from './support/api-client';
import { freePort } from './support/free-port';
import { SERVICE_ARGS, serviceOnFreePort, ServiceProcess, startServiceProcess } from './support/service-process';
import { TEST_JWT_SECRET } from './support/test-app';
import { createTestDatabase, onPostgresServer, TestDatabase } from './support/test-database';
import { randomSuffix, uniqueEmail } from './support/unique';

/**
 * The service as an operator runs it: its own process, started from the sources as main.ts
 * starts it. What it refuses to start with, what it writes to its logs, and how it leaves on
 * SIGTERM (issue 4, items 2, 5 and 6); the priority of its threads (issue 7).
 */

const ROOT = join(__dirname, '..');
/** A private key the service does not sign with (RS256 is not offered): the error must name the variable, never the key. */
const RSA_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const BCRYPT_HASH = /\$2[aby]\$\d\d\$/;

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * main.ts with nothing but `env` (the command ServiceProcess uses), to its end. A run that
 * got past the configuration check by mistake is killed after `timeoutMs` (code null).
 */
function runToExit(env: Record<string, string>, timeoutMs = 30_000): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, SERVICE_ARGS, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * GET on a connection of its own (no pool): its status, or the code of the error it met. A
 * connection the kernel queued before the process, slow under load, closed its listening socket
 * is reset only once it does: the wait allows for a busy machine's seconds.
 */
function getOnNewConnection(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 20_000 }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Every non-empty line of a captured output, parsed; lines that are not JSON are answered apart. */
function parseLines(output: string): { entries: Record<string, any>[]; notJson: string[] } {
  const entries: Record<string, any>[] = [];
  const notJson: string[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) entries.push(parsed);
      else notJson.push(line);
    } catch {
      notJson.push(line);
    }
  }
  return { entries, notJson };
}

describe('the configuration check (item 2)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'accounts-config-'));
  // Nothing listens there: these runs must stop before they ever connect.
  const UNREACHABLE_DATABASE = 'postgres://accounts:secret@127.0.0.1:9/accounts';
  const SHORT_SECRET = 'x'.repeat(31);
  const cases: { label: string; variable: string; env: Record<string, string> }[] = [
    {
      label: 'production without DATABASE_URL',
      variable: 'DATABASE_URL',
      env: { NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET },
    },
    {
      label: 'production without JWT_SECRET',
      variable: 'JWT_SECRET',
      env: { NODE_ENV: 'production', DATABASE_URL: UNREACHABLE_DATABASE },
    },
    {
      label: 'production with a JWT_SECRET of 31 bytes',
      variable: 'JWT_SECRET',
      env: { NODE_ENV: 'production', DATABASE_URL: UNREACHABLE_DATABASE, JWT_SECRET: SHORT_SECRET },
    },
    {
      label: 'development with BCRYPT_ROUNDS=99',
      variable: 'BCRYPT_ROUNDS',
      env: { NODE_ENV: 'development', BCRYPT_ROUNDS: '99', JWT_SECRET: TEST_JWT_SECRET },
    },
    {
      label: 'development with JWT_ALGORITHM=HS256 and no JWT_SECRET',
      variable: 'JWT_SECRET',
      env: { NODE_ENV: 'development', JWT_ALGORITHM: 'HS256' },
    },
    {
      label: 'development with an RSA key in JWT_PRIVATE_KEYS',
      variable: 'JWT_PRIVATE_KEYS',
      env: { NODE_ENV: 'development', JWT_PRIVATE_KEYS: RSA_PEM },
    },
  ];
  const runs = new Map<string, Exited>();

  beforeAll(async () => {
    const port = String(await freePort());
    // DATA_DIR and PORT only so that a run that wrongly starts touches nothing of the repository's.
    const results = await Promise.all(cases.map(({ env }) => runToExit({ DATA_DIR: dataDir, PORT: port, ...env })));
    cases.forEach(({ label }, i) => runs.set(label, results[i]));
  }, 120_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(cases)('refuses to start in $label: exit code 1, one line naming $variable', ({ label, variable }) => {
    const run = runs.get(label)!;
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });
    const lines = run.stderr.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].trim()).not.toBe('');
    expect(lines[0]).toContain(variable);
    for (const stream of [run.stderr, run.stdout]) {
      expect(stream).not.toContain('    at ');
      expect(stream).not.toContain(SHORT_SECRET);
      expect(stream).not.toContain(TEST_JWT_SECRET);
      expect(stream).not.toContain(RSA_PEM.split('\n')[1]);
    }
  });
});

describe(`a service process on ${onPostgresServer ? 'PostgreSQL' : 'PGlite on disk'}: its logs (item 5) and threads`, () => {
  let dataDir: string;
  let database: TestDatabase;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'accounts-logs-'));
    database = await createTestDatabase(dataDir);
  });

  afterAll(async () => {
    for (const service of services) await service.stop('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes one JSON line a request, with its id, route, status and latency, and no secret at all', async () => {
    const { service } = await startServiceProcess({ ...database.env, NODE_ENV: 'development', LOG_LEVEL: 'info' }, services);
    const api = new ApiClient(service.url);
    const made: { method: string; route: string; response: ApiResponse }[] = [];
    const call = async (method: string, route: string, expected: number, options?: RequestOptions) => {
      const response = await api.request(method, route, options);
      expect({ route, status: response.status }).toEqual({ route, status: expected });
      made.push({ method, route, response });
      return response;
    };

    const email = uniqueEmail('logs');
    const password = `first-Passw0rd-${randomSuffix()}`;
    const newPassword = `second-Passw0rd-${randomSuffix()}`;
    const wrongPassword = `wrong-Passw0rd-${randomSuffix()}`;

    const registered = await call('POST', '/auth/register', 201, { body: { email, password, name: 'Log Watcher' } });
    await call('POST', '/auth/login', 401, { body: { email, password: wrongPassword } });
    const login = await call('POST', '/auth/login', 200, { body: { email, password } });
    const me = await call('GET', '/users', 200, {
      token: login.body.access_token,
      headers: { 'X-Request-Id': 'test-trace-0001' },
    });
    expect(me.headers.get('x-request-id')).toBe('test-trace-0001');
    const refreshed = await call('POST', '/auth/refresh', 200, { body: { refresh_token: login.body.refresh_token } });
    await call('POST', '/users/password', 204, {
      token: refreshed.body.access_token,
      body: { current_password: password, new_password: newPassword },
    });
    await call('POST', '/auth/logout', 204, {
      token: refreshed.body.access_token,
      body: { refresh_token: refreshed.body.refresh_token },
    });
    // A refresh token used twice: refused, and its value must not reach the log either.
    await call('POST', '/auth/refresh', 401, { body: { refresh_token: login.body.refresh_token } });

    expect(await service.stop('SIGTERM')).toBe(0);

    const { entries, notJson } = parseLines(service.output);
    expect(notJson).toEqual([]);
    expect(entries.length).toBeGreaterThan(made.length);

    const traced = entries.filter((entry) => entry.requestId === 'test-trace-0001');
    expect(traced).toEqual([
      expect.objectContaining({
        requestId: 'test-trace-0001',
        method: 'GET',
        route: '/users',
        status: 200,
        ms: expect.any(Number),
        level: 30,
        msg: 'request completed',
      }),
    ]);
    expect(traced[0].ms).toBeGreaterThanOrEqual(0);

    for (const { method, route, response } of made) {
      const id = response.headers.get('x-request-id');
      expect(id).toEqual(expect.any(String));
      const lines = entries.filter((entry) => entry.requestId === id);
      expect(lines).toEqual([
        expect.objectContaining({
          method,
          route,
          status: response.status,
          ms: expect.any(Number),
          level: response.status >= 400 ? 40 : 30,
        }),
      ]);
    }

    // (An access token refreshed within the second it was made may come back unchanged.)
    const tokens = [...new Set([registered, login, refreshed].flatMap(({ body }) => [body.access_token, body.refresh_token]))];
    expect(tokens.every((token) => typeof token === 'string' && token.length >= 16)).toBe(true);
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const secrets = [password, newPassword, wrongPassword, ...tokens, 'Bearer ', TEST_JWT_SECRET];
    for (const secret of secrets) expect(service.output).not.toContain(secret);
    // The signature of a JWT alone would do as much harm as the whole token.
    for (const token of tokens) expect(service.output).not.toContain(token.split('.').at(-1)!);
    expect(service.output).not.toMatch(BCRYPT_HASH);
  }, 120_000);

  it('logs refusals but no request lines of level info at LOG_LEVEL=warn', async () => {
    const { service } = await startServiceProcess({ ...database.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' }, services);
    const api = new ApiClient(service.url);
    const health = await api.get('/health');
    expect(health.status).toBe(200);
    const refused = await api.get('/users');
    expect(refused.status).toBe(401);
    expect(await service.stop('SIGTERM')).toBe(0);

    const { entries, notJson } = parseLines(service.output);
    expect(notJson).toEqual([]);
    expect(entries.filter((entry) => entry.msg === 'request completed')).toEqual([]);
    expect(entries.filter((entry) => typeof entry.level !== 'number' || entry.level < 40)).toEqual([]);
    expect(entries.filter((entry) => entry.requestId === health.headers.get('x-request-id'))).toEqual([]);
    expect(entries.filter((entry) => entry.requestId === refused.headers.get('x-request-id'))).toEqual([
      expect.objectContaining({ level: 40, msg: 'request refused', method: 'GET', route: '/users', status: 401 }),
    ]);
  }, 120_000);

  it("runs libuv's thread pool, where bcrypt hashes, below the event loop's CPU priority", async () => {
    const { service } = await startServiceProcess(
      { ...database.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', UV_THREADPOOL_SIZE: '3' },
      services,
    );
    const api = new ApiClient(service.url);
    const { user, password } = await api.register();
    expect(await api.login(user.email, password)).toMatch(/^ey/);

    // Each thread's nice value: field 19 of /proc/<pid>/task/<tid>/stat, the 17th after the name.
    const nice = (thread: string) =>
      Number(readFileSync(`/proc/${service.pid}/task/${thread}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const threads = readdirSync(`/proc/${service.pid}/task`);
    expect(nice(String(service.pid))).toBe(0);
    expect(threads.filter((thread) => nice(thread) === 19)).toHaveLength(3);
    expect(threads.filter((thread) => nice(thread) !== 0 && nice(thread) !== 19)).toEqual([]);
  }, 120_000);
});

describe(`a service process on ${onPostgresServer ? 'PostgreSQL' : 'PGlite on disk'} on SIGTERM (item 6)`, () => {
  let dataDir: string;
  let database: TestDatabase;
  let service: ServiceProcess;
  let api: ApiClient;
  const email = uniqueEmail('in-flight');
  const password = `in-flight-Passw0rd-${randomSuffix()}`;
  /** How the process left after SIGTERM, once the first test has sent it. */
  let exited: Promise<string> | undefined;
  /** The access token the registration in flight was answered with. */
  let tokenBeforeRestart: string | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'accounts-shutdown-'));
    database = await createTestDatabase(dataDir);
    // bcrypt at its production cost: a registration takes a few hundred milliseconds.
    service = await serviceOnFreePort({ ...database.env, NODE_ENV: 'development', BCRYPT_ROUNDS: '12', LOG_LEVEL: 'warn' });
    api = new ApiClient(service.url);
    await service.start();
  }, 120_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the registration in flight when SIGTERM comes, and accepts no new connection meanwhile', async () => {
    // A first registration warms the process up and shows how long bcrypt takes here.
    const warmUpStarted = Date.now();
    await api.register();
    const registrationMs = Date.now() - warmUpStarted;

    let answeredAt = 0;
    const inFlight = api.post('/auth/register', { body: { email, password, name: 'In Flight' } }).finally(() => {
      answeredAt = Date.now();
    });
    await sleep(80);
    const signalledAt = Date.now();
    exited = service.stop('SIGTERM').then((code) => `exit code ${code} ${Date.now() - signalledAt} ms after SIGTERM`);

    await sleep(40);
    const stillInFlight = answeredAt === 0;
    const during = await getOnNewConnection(`${service.url}/health`);

    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(response.body.user).toMatchObject({ email });
    tokenBeforeRestart = response.body.access_token;
    // It really was running when the signal came, and when the new connection was tried.
    expect({ registrationMs, answeredAfterSignal: answeredAt > signalledAt, stillInFlight }).toEqual({
      registrationMs,
      answeredAfterSignal: true,
      stillInFlight: true,
    });
    // Not served: refused once the listening socket is closed, or reset when the connection had
    // reached the kernel's backlog before the process, slower under load, handled the signal.
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(during);
  }, 60_000);

  it('then exits with code 0, though its client keeps the connection alive (as fetch and load balancers do)', async () => {
    expect(exited).toBeDefined();
    expect(await exited).toMatch(/^exit code 0 \d+ ms after SIGTERM$/);
  }, 60_000);

  it('accepts nothing afterwards', async () => {
    expect(await getOnNewConnection(`${service.url}/health`)).toBe('ECONNREFUSED');
    await expect(fetch(`${service.url}/health`, { signal: AbortSignal.timeout(5_000) })).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
  });

  it('kept the registration it acknowledged: on the same database, a new process lets the user log in', async () => {
    await service.start();
    expect(await api.login(email, password)).toEqual(expect.any(String));
    // A development restart logs nobody out: the signing key is the database's, not the process's.
    expect(tokenBeforeRestart).toEqual(expect.any(String));
    expect((await api.get('/users', { token: tokenBeforeRestart })).status).toBe(200);
    expect(service.output).not.toContain(password);
    expect(service.output).not.toMatch(BCRYPT_HASH);
  }, 120_000);
});
