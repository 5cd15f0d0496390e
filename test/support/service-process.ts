import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');

/** Node's arguments that run main.ts from the sources, compiled by swc as required (swc-register.cjs). */
export const SERVICE_ARGS = ['--enable-source-maps', '-r', join(__dirname, 'swc-register.cjs'), 'src/main.ts'];

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

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
