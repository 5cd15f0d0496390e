import { Injectable } from '@nestjs/common';
import { ErrorCode } from '../common/error-code.enum';
import { problem, ProblemException } from '../common/problem.exception';
import { Semaphore } from '../common/semaphore';
import { decodeAvatar } from './avatar-image';

/**
 * One decode at a time in this instance; an upload waits for its turn behind at most 16 others,
 * for 5 s at most, and is otherwise answered 503 at once: a burst costs a queue, not the CPU.
 */
const DECODE_QUEUE = { permits: 1, maxWaiting: 16, maxWaitMs: 5_000 };

/** sharp's deadline for one decode. */
const DECODE_TIMEOUT_SECONDS = 5;

/** What a busy decoder tells the client to wait. */
const RETRY_AFTER_SECONDS = 5;

/** Turns uploads into stored pictures, a bounded number at a time. */
@Injectable()
export class AvatarDecoder {
  private readonly slots = new Semaphore(DECODE_QUEUE);

  /** The stored picture of an upload; 400 INVALID_IMAGE, or 503 AVATAR_BUSY with Retry-After. */
  async decode(upload: Buffer): Promise<Buffer> {
    const release = await this.slots.acquire();
    if (!release) throw busy();
    try {
      const outcome = await decodeAvatar(upload, DECODE_TIMEOUT_SECONDS);
      if (outcome.kind === 'picture') return outcome.bytes;
      if (outcome.kind === 'timeout') throw busy();
      throw problem(ErrorCode.INVALID_IMAGE, outcome.detail);
    } finally {
      release();
    }
  }
}

function busy(): ProblemException {
  return problem(ErrorCode.AVATAR_BUSY, undefined, { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
}
