import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { DecodeOutcome } from './avatar-image';

/** What the service sends its decoder process for one upload. */
export interface DecodeRequest {
  upload: Uint8Array;
  /** sharp's deadline, in whole seconds. */
  timeoutSeconds: number;
}

/** What one decode may take: wall time (sharp's deadline, then the process's), and CPU time. */
export interface DecodeLimits {
  wallSeconds: number;
  cpuSeconds: number;
}

/** SCHED_IDLE: the decoder's threads run only when no other thread of the machine wants a core. */
const CHRT = '/usr/bin/chrt';

/** How long a new process may take to say it is ready (ts-node's compile included, in the tests). */
const START_TIMEOUT_MS = 30_000;

/** How often the CPU time of a decode under way is read. */
const CPU_POLL_MS = 50;

/** Linux's clock ticks a second, in which /proc counts CPU time. */
const TICKS_A_SECOND = 100;

/**
 * The process that decodes uploads (avatar-worker.ts), one at a time: started by the service
 * when it first needs it, at the lowest priority there is, and killed when a decode passes its
 * deadline or its CPU time, which libvips' own timeout cannot promise (it is checked between
 * tiles: set to 1 s, it fired after 7 s on a 1 × 40,000,000 PNG). A crash of libvips takes this
 * process down, not the service.
 */
export class DecoderProcess {
  private busy = false;

  private constructor(private readonly child: ChildProcess) {}

  /**
   * Starts the process, under SCHED_IDLE when `idle` (chrt), and resolves once it is ready;
   * rejects when it ends first (chrt refused, say) or is not ready in time.
   */
  static start(idle: boolean): Promise<DecoderProcess> {
    const entry = join(__dirname, `avatar-worker${extname(__filename)}`);
    // From the sources (the tests), the process compiles them as it loads them.
    const fromSources = entry.endsWith('.ts');
    const node = [process.execPath, ...(fromSources ? ['-r', 'ts-node/register/transpile-only'] : []), entry];
    const [command, ...args] = idle ? [CHRT, '--idle', '0', ...node] : node;
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, ...(fromSources && { TS_NODE_SWC: 'true' }) },
    });
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`The picture decoder did not start: ${reason}`));
      };
      const timer = setTimeout(() => fail('not ready in time'), START_TIMEOUT_MS);
      child.once('error', (error) => fail(error.message));
      child.once('exit', (code, signal) => fail(`it exited (${signal ?? code})`));
      child.once('message', () => {
        clearTimeout(timer);
        child.removeAllListeners('error').removeAllListeners('exit');
        // A failed send is answered in its callback; no error of the process may crash the service.
        child.on('error', () => undefined);
        resolve(new DecoderProcess(child));
      });
    });
  }

  /** Whether SCHED_IDLE can be asked for here. */
  static get idleAvailable(): boolean {
    return existsSync(CHRT);
  }

  /** True until the process ends or is killed. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && !this.child.killed;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Decodes one upload within `limits`: past the wall time the process is killed and the
   * outcome is a timeout; past the CPU time (where /proc tells it), it is killed and the outcome
   * is `too-costly`. One decode at a time (the caller's semaphore sees to it).
   */
  decode(upload: Buffer, limits: DecodeLimits): Promise<DecodeOutcome> {
    if (this.busy) throw new Error('The picture decoder decodes one upload at a time');
    this.busy = true;
    const { child } = this;
    const cpuAtStart = cpuSeconds(child.pid);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: DecodeOutcome, kill = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(watch);
        child.off('message', answered);
        child.off('exit', ended);
        if (kill) this.kill();
        this.busy = false;
        resolve(outcome);
      };
      const answered = (outcome: DecodeOutcome) => finish(outcome);
      const ended = () => finish({ kind: 'crash' });
      // sharp's own deadline comes first, and keeps the process; this one is for a decode that
      // does not stop at it.
      const deadline = setTimeout(() => finish({ kind: 'timeout' }, true), (limits.wallSeconds + 1) * 1000);
      const watch = setInterval(() => {
        const used = cpuSeconds(child.pid);
        if (used !== undefined && cpuAtStart !== undefined && used - cpuAtStart > limits.cpuSeconds) {
          finish({ kind: 'too-costly' }, true);
        }
      }, CPU_POLL_MS);
      child.on('message', answered);
      child.once('exit', ended);
      const request: DecodeRequest = { upload, timeoutSeconds: limits.wallSeconds };
      child.send(request, (error) => {
        if (error) finish({ kind: 'crash' }, true);
      });
    });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** CPU seconds a process has used, from /proc; undefined where there is none. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_A_SECOND;
  } catch {
    return undefined;
  }
}
