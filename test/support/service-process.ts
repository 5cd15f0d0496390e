import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from './api-client';
import { freePort } from './free-port';
import { expectNoSecrets } from './secrets';
import { TEST_JWT_SECRET } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';

const ROOT = join(__dirname, '..', '..');

/** Node's arguments that run main.ts from the sources, compiled by swc as required (swc-register.cjs). */
export const SERVICE_ARGS = ['--enable-source-maps', '-r', join(__dirname, 'swc-register.cjs'), 'src/main.ts'];

/**
 * The service as its own process, started from the sources exactly as `main.ts` starts it
 * (no build needed), so that a test can kill it with SIGKILL and start it again.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  output = '';

  constructor(
    readonly port: number,
    /** The environment of the next start. */
    readonly env: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The address to call it at: HOST when that names one address, loopback otherwise. */
  get host(): string {
    const host = this.env.HOST;
    return host && host !== '0.0.0.0' ? host : '127.0.0.1';
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** How many files (sockets included) the process has open now (Linux). */
  openFiles(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** Starts the service and waits until it answers; resolves to the milliseconds it took. */
  async start(): Promise<number> {
    const started = Date.now();
    this.child = spawn(process.execPath, SERVICE_ARGS, {
      cwd: ROOT,
      // Only what the test names: nothing of this process's environment leaks in.
      env: { PATH: process.env.PATH, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    while (Date.now() - started < 60_000) {
      if (this.child.exitCode !== null) throw new Error(`the service exited:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/health`)).ok) return Date.now() - started;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`the service did not answer within 60 s:\n${this.output}`);
  }

  /** Stops the process with `signal` and resolves to its exit code (null when killed). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = await exited;
    return code as number | null;
  }
}

/** What every service process of the tests runs with: the tests' signing key, and bcrypt at its cheapest. */
const TEST_SERVICE_ENV = { JWT_SECRET: TEST_JWT_SECRET, BCRYPT_ROUNDS: '4' };

/** A service process on a free port, with TEST_SERVICE_ENV and `env` over it; not started yet. */
export async function serviceOnFreePort(env: Record<string, string>): Promise<ServiceProcess> {
  return new ServiceProcess(await freePort(), { ...TEST_SERVICE_ENV, ...env });
}

/**
 * Starts a service process (serviceOnFreePort) and answers it once it answers, with the ms its
 * start took. It joins `started` first, so that the block's afterAll stops it even if it never answers.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  started: ServiceProcess[],
): Promise<{ service: ServiceProcess; startMs: number }> {
  const service = await serviceOnFreePort(env);
  started.push(service);
  const startMs = await service.start();
  return { service, startMs };
}

/**
 * For a describe block: a service process of its own (serviceOnFreePort, with `env`) on a database
 * of its own, started before the block's tests; killed, and the database dropped, after them.
 */
export function useServiceProcess(env: Record<string, string>): { service(): ServiceProcess } {
  let database: TestDatabase | undefined;
  let service: ServiceProcess | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    service = await serviceOnFreePort({ ...database.env, ...env });
    await service.start();
  }, 90_000);
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await database?.drop();
  });
  return {
    service: () => {
      if (!service) throw new Error('the service has not started');
      return service;
    },
  };
}

/**
 * Service processes of one configuration, as a load balancer has them, and a client of each: all
 * started at once (on an empty database they take turns at its migrations).
 */
export class ServiceInstances {
  readonly clients: ApiClient[] = [];
  private readonly processes: ServiceProcess[] = [];

  /** Starts `count` of them on `env`; each joins the set first, so that stop() stops it even if it never answers. */
  async start(env: Record<string, string>, count = 2): Promise<void> {
    for (let i = 0; i < count; i++) this.processes.push(await serviceOnFreePort(env));
    await Promise.all(this.processes.map((process) => process.start()));
    this.clients.push(...this.processes.map((process) => new ApiClient(process.url)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((process) => process.stop()));
  }

  /** That no answer any of them gave carried a secret. */
  expectNoSecrets(): void {
    for (const client of this.clients) expectNoSecrets(client);
  }
}
