import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, Interface } from 'node:readline';

/** A process that answers one JSON line for each line written to it: a verifier of another service. */
export class LineProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: Interface;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: 'pipe' });
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.reader = createInterface({ input: this.child.stdout });
    this.lines = this.reader[Symbol.asyncIterator]();
  }

  async ask(line: string): Promise<any> {
    this.child.stdin.write(`${line}\n`);
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`the verifier exited: ${this.stderr}`);
    return JSON.parse(value);
  }

  stop(): void {
    this.reader.close();
    this.child.kill();
  }
}
