import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const asRoot = process.getuid?.() === 0;

/** The bin folder of the highest PostgreSQL version installed the Debian way. */
function binaries(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT).filter((version) => existsSync(join(PG_ROOT, version, 'bin', 'initdb')))
    : [];
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${PG_ROOT}/*/bin`);
  return join(PG_ROOT, versions[0], 'bin');
}

/**
 * A throwaway PostgreSQL cluster of a test's own: initdb in a temp folder, a free loopback port,
 * superuser `postgres` with trust authentication. A test can stop and start it at will. When the
 * test runs as root, the server runs as the `postgres` OS user (PostgreSQL refuses root).
 */
export class PrivatePostgres {
  readonly bin = binaries();
  readonly dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
  port = 0;
  private running = false;
  private pid?: number;
  private readonly killOnExit = () => this.kill();

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** Runs one of the server's programs, as user postgres when we are root; resolves to its ms. */
  private async exec(program: string, args: string[], timeout = 60_000): Promise<number> {
    const started = performance.now();
    const path = join(this.bin, program);
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout, env: { ...process.env, LC_ALL: 'C' } });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || String(error)}\n${this.log()}`, {
        cause: error,
      });
    }
    return performance.now() - started;
  }

  /** The server's log file, for failure messages. */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** initdb and a first start on a free port; resolves to the ms initdb and the start took. */
  async create(): Promise<{ initdb: number; start: number }> {
    if (asRoot) chownSync(this.dir, Number(await this.id('-u')), Number(await this.id('-g')));
    const initdb = await this.exec('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    process.once('exit', this.killOnExit);
    // Another process may take the free port between the probe and the bind: try a few.
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      try {
        return { initdb, start: await this.start() };
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  private async id(flag: string): Promise<string> {
    return (await run('id', [flag, 'postgres'])).stdout.trim();
  }

  /** Starts the server and waits until it accepts connections; resolves to the ms it took. */
  async start(): Promise<number> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    const took = await this.exec('pg_ctl', ['-D', this.data, '-o', options, '-l', join(this.dir, 'log'), '-w', 'start']);
    this.running = true;
    this.pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return took;
  }

  /** A fast shutdown (open sessions are terminated); resolves to the ms it took. */
  async stop(): Promise<number> {
    const took = await this.exec('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
    this.running = false;
    this.pid = undefined;
    return took;
  }

  /** Stops the server if it runs and removes every file of the cluster. */
  async destroy(): Promise<void> {
    try {
      if (this.running) await this.stop();
    } catch {
      this.kill();
    } finally {
      process.removeListener('exit', this.killOnExit);
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Last resort when the test process ends without destroy(): an immediate shutdown. */
  private kill(): void {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, 'SIGQUIT');
    } catch {
      // already gone
    }
    this.pid = undefined;
  }
}
