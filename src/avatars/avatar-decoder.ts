import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem, ProblemException } from '../common/problems/problem.exception';
import { Semaphore } from '../common/semaphore';
import type { DecodeOutcome } from './avatar-image';
import { DecodeLimits, DecoderProcess } from './decoder-process';

/**
 * One decode at a time in this instance; an upload waits for its turn behind at most 16 others,
 * for 5 s at most, and is otherwise answered 503 at once: a burst costs a queue, not the CPU.
 */
export const DECODE_QUEUE = { permits: 1, maxWaiting: 16, maxWaitMs: 5_000 };

/**
 * A decode's deadline, and the CPU it may use: four times what the dearest picture within the
 * bounds takes (bench/README.md, "Pictures"). The decoder runs below every other thread, so a
 * deadline passed means the machine had no core to spare: busy, 503. CPU past the limit means
 * the picture itself, whatever the bounds let through: 400.
 */
export const DECODE_LIMITS: DecodeLimits = { wallSeconds: 5, cpuSeconds: 2 };

/** What a busy decoder tells the client to wait. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Turns uploads into stored pictures, one at a time, in a process of its own that the first
 * upload starts (decoder-process.ts): image work takes no thread of the service's, whose libuv
 * pool is bcrypt's, and waits for any core the machine has to spare.
 */
@Injectable()
export class AvatarDecoder implements OnModuleDestroy {
  /** Deadlines of a decode; a test may shorten them. */
  limits: DecodeLimits = { ...DECODE_LIMITS };
  private readonly slots = new Semaphore(DECODE_QUEUE);
  private process?: DecoderProcess;
  /** Whether SCHED_IDLE may be asked for: until chrt is missing or refused. */
  private idle = DecoderProcess.idleAvailable;
  /** Set at shutdown: the decoder is killed, which a decode under way must not blame on its picture. */
  private closing = false;
  private readonly logger = new Logger(AvatarDecoder.name);

  /** The stored picture of an upload; 400 INVALID_IMAGE, or 503 AVATAR_BUSY with Retry-After. */
  async decode(upload: Buffer): Promise<Buffer> {
    const release = await this.slots.acquire();
    if (!release) throw busy();
    let outcome: DecodeOutcome;
    try {
      outcome = await (await this.running()).decode(upload, this.limits);
    } finally {
      release();
    }
    switch (outcome.kind) {
      case 'picture':
        return outcome.bytes;
      case 'invalid':
        throw problem(ErrorCode.INVALID_IMAGE, outcome.detail);
      case 'timeout':
        this.logger.warn(`A decode passed its deadline of ${this.limits.wallSeconds} s: the machine had no core to spare`);
        throw busy();
      case 'too-costly':
        this.logger.warn(`A decode passed ${this.limits.cpuSeconds} s of CPU: the picture is refused`);
        throw problem(ErrorCode.INVALID_IMAGE, { key: 'problems.pictures.tooSlow' });
      case 'crash':
        if (this.closing) throw busy();
        this.logger.warn('The picture decoder ended during a decode: the picture is refused');
        throw problem(ErrorCode.INVALID_IMAGE, { key: 'problems.pictures.undecodable' });
    }
  }

  /** The decoder process's id, once it runs: for the tests. */
  get pid(): number | undefined {
    return this.process?.alive ? this.process.pid : undefined;
  }

  onModuleDestroy(): void {
    this.closing = true;
    this.process?.kill();
  }

  /** The decoder process, started (again) when there is none; 503 when it cannot start. */
  private async running(): Promise<DecoderProcess> {
    if (this.process?.alive) return this.process;
    if (this.closing) throw busy();
    try {
      this.process = await this.start();
    } catch (error) {
      this.logger.error((error as Error).message);
      throw busy();
    }
    return this.process;
  }

  private async start(): Promise<DecoderProcess> {
    if (this.idle) {
      try {
        return await DecoderProcess.start(true);
      } catch (error) {
        this.idle = false;
        this.logger.warn(`${(error as Error).message} under SCHED_IDLE (chrt): it runs at nice 19 instead`);
      }
    }
    return DecoderProcess.start(false);
  }
}

function busy(): ProblemException {
  return problem(ErrorCode.AVATAR_BUSY, undefined, { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
}
