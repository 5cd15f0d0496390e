import { Logger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { ProblemException } from '../common/problems/problem.exception';
import { AvatarDecoder, DECODE_LIMITS, DECODE_QUEUE } from './avatar-decoder';

/** A PNG of `width` × `height`, flat. */
const png = (width: number, height: number, background = '#c00') =>
  sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

/** What decode() threw, as status, code and detail; or 'decoded'. */
async function outcome(decoding: Promise<Buffer>) {
  try {
    await decoding;
    return 'decoded';
  } catch (error) {
    const problem = error as ProblemException;
    return { status: problem.getStatus(), code: problem.code, detail: problem.detail, retryAfter: problem.headers['Retry-After'] };
  }
}

/** The scheduling policy (5: SCHED_IDLE) and nice value of a process, from /proc. */
function scheduling(pid: number) {
  const policy = Number(/^policy\s*:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/sched`, 'utf8'))?.[1]);
  const nice = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
  return { policy, nice };
}

describe('AvatarDecoder', () => {
  let decoder: AvatarDecoder;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    decoder = new AvatarDecoder();
  });
  afterEach(() => {
    decoder.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('starts its process at the first decode, not before, and decodes there, under SCHED_IDLE or at nice 19', async () => {
    expect(decoder.pid).toBeUndefined();
    const stored = await decoder.decode(await png(800, 600));
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'webp', width: 512, height: 384 });
    const pid = decoder.pid!;
    expect(pid).not.toBe(process.pid);
    if (existsSync('/proc')) {
      expect(scheduling(pid)).toEqual(existsSync('/usr/bin/chrt') ? { policy: 5, nice: 19 } : { policy: 0, nice: 19 });
    }
    await decoder.decode(await png(10, 10));
    expect(decoder.pid).toBe(pid);
  });

  it('refuses what is not a picture, and a picture out of bounds with the bound it passed', async () => {
    expect(await outcome(decoder.decode(Buffer.from('not a picture')))).toMatchObject({ status: 400, code: 'INVALID_IMAGE' });
    expect(await outcome(decoder.decode(await png(8193, 8)))).toMatchObject({
      status: 400,
      detail: 'The picture is 8193 × 8 px: a side may have at most 8192 px.',
    });
  });

  it('stops a decode past its CPU time: 400, and the next decode has a new process', async () => {
    // 16-bit and interlaced, at its 2-MP bound: about 0.2 s of CPU, several of the decoder's polls.
    const picture = await sharp({ create: { width: 1414, height: 1414, channels: 4, background: { r: 9, g: 8, b: 7, alpha: 0.5 } } })
      .toColourspace('rgb16')
      .png({ progressive: true })
      .toBuffer();
    await decoder.decode(await png(10, 10));
    const first = decoder.pid;
    decoder.limits = { ...DECODE_LIMITS, cpuSeconds: 0.01 };
    expect(await outcome(decoder.decode(picture))).toEqual({
      status: 400,
      code: 'INVALID_IMAGE',
      detail: 'The picture takes too long to decode.',
      retryAfter: undefined,
    });
    decoder.limits = { ...DECODE_LIMITS };
    await decoder.decode(picture);
    expect(decoder.pid).not.toBe(first);
  });

  it('answers 503 with Retry-After when its process gets no CPU before the deadline, and starts another', async () => {
    const picture = await png(100, 100);
    await decoder.decode(picture);
    const stopped = decoder.pid!;
    decoder.limits = { ...DECODE_LIMITS, wallSeconds: 1 };
    process.kill(stopped, 'SIGSTOP');
    expect(await outcome(decoder.decode(picture))).toEqual({
      status: 503,
      code: 'AVATAR_BUSY',
      detail: expect.any(String),
      retryAfter: '5',
    });
    expect(decoder.pid).toBeUndefined();
    await decoder.decode(picture);
    expect(decoder.pid).not.toBe(stopped);
  });

  it('refuses the picture its process died on, and decodes the next in a new one', async () => {
    const picture = await png(3000, 2000);
    await decoder.decode(await png(10, 10));
    const pid = decoder.pid!;
    // Stopped, it cannot have finished the decode when it is killed.
    process.kill(pid, 'SIGSTOP');
    const decoding = decoder.decode(picture);
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(pid, 'SIGKILL');
    expect(await outcome(decoding)).toMatchObject({ status: 400, code: 'INVALID_IMAGE', detail: 'The picture could not be decoded.' });
    await decoder.decode(picture);
  });

  it('answers 503 to a decode under way at shutdown, and to any after it, starting nothing', async () => {
    await decoder.decode(await png(10, 10));
    process.kill(decoder.pid!, 'SIGSTOP');
    const decoding = decoder.decode(await png(20, 20));
    decoder.onModuleDestroy();
    expect(await outcome(decoding)).toMatchObject({ status: 503, code: 'AVATAR_BUSY' });
    expect(await outcome(decoder.decode(await png(20, 20)))).toMatchObject({ status: 503, code: 'AVATAR_BUSY' });
    expect(decoder.pid).toBeUndefined();
  });

  it('decodes one upload at a time: beyond those that may wait, 503 at once', async () => {
    const picture = await png(20, 20);
    await decoder.decode(picture);
    process.kill(decoder.pid!, 'SIGSTOP');
    const waiting = Array.from({ length: 1 + DECODE_QUEUE.maxWaiting }, () => outcome(decoder.decode(picture)));
    expect(await outcome(decoder.decode(picture))).toMatchObject({ status: 503, code: 'AVATAR_BUSY', retryAfter: '5' });
    process.kill(decoder.pid!, 'SIGCONT');
    expect(await Promise.all(waiting)).toEqual(waiting.map(() => 'decoded'));
  });
});
