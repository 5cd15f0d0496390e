import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { AvatarsService } from '../../src/avatars/avatars.service';
import { type ApiResponse, bearer } from '../support/api-client';
import { manyFrameGif, png, pngFile, progressiveJpeg, upload } from '../support/images';
import { streamBody } from '../support/streamed-body';
import { ADMIN, useApp } from '../support/test-app';
import { expectProblem } from './support/attack-app';

/**
 * The picture findings of the security review of issue 22, each as the reviewer met it: every
 * test of a finding here failed on the code before its fix. (They reach the decoder through the
 * service's process tree, not its class, so that they run against that code too.)
 */

const MIB = 1024 * 1024;
const DEFAULT_PICTURE = 'profile-pictures/default.jpg';
const BOUNDARY = 'review2-boundary';

/** The service's picture decoder: a process this one (the service's) started, if any. */
function decoderPid(): number | undefined {
  for (const task of readdirSync('/proc/self/task')) {
    for (const child of readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
      const command = readFileSync(`/proc/${child}/cmdline`, 'utf8');
      if (command.includes('avatar-worker')) return Number(child);
    }
  }
  return undefined;
}

/** A process's scheduling policy (5: SCHED_IDLE) and nice value. */
function scheduling(pid: number) {
  const policy = Number(/^policy\s*:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/sched`, 'utf8'))?.[1]);
  const nice = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
  return { policy, nice };
}

/** A flat picture of `width` × `height`, to encode. */
const flat = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#345' } });

/** A 503 of a busy decoder: the client is told when to come back. */
function expectBusy(response: ApiResponse): void {
  expectProblem(response, 503, 'AVATAR_BUSY');
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('finding 1: a small picture cannot cost seconds of CPU, nor take it from logins', () => {
  const { api } = useApp({}, { checkContract: false });
  let admin: string;
  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  it("refuses the review's picture, 1 × 39,999,999 px of 1 bit in 78 kB, by its header, on both routes", async () => {
    const review = pngFile({ width: 1, height: 39_999_999, bitDepth: 1, colorType: 0 });
    expect(review.length).toBeLessThan(80_000);
    const { token, user } = await api.register();
    for (const response of [
      await api.put('/users/avatar', { token, body: upload(review) }),
      await api.put(`/api/users/${user.id}/avatar`, { token: admin, body: upload(review) }),
    ]) {
      expectProblem(response, 400, 'INVALID_IMAGE');
      expect(response.body.detail).toBe('The picture is 1 × 39999999 px: a side may have at most 8192 px.');
    }
    expect((await api.get('/users', { token })).body.image_path).toBe(DEFAULT_PICTURE);
  });

  it.each([
    ['a side of 8,193 px', () => pngFile({ width: 8193, height: 8 }), /a side may have at most 8192 px/],
    ['sides of 8,192 and 127 px (over 1:64)', () => pngFile({ width: 8192, height: 127, bitDepth: 1, colorType: 0 }), /64 times as long/],
    ['a PNG over 6 MP', () => pngFile({ width: 2450, height: 2450 }), /a PNG may have at most 6 megapixels/],
    ['a PNG of 16-bit samples over 2 MP', () => pngFile({ width: 1415, height: 1415, bitDepth: 16, colorType: 6 }), /16-bit samples or interlaced may have at most 2 megapixels/],
    ['an interlaced PNG over 2 MP', () => pngFile({ width: 1415, height: 1415, interlaced: true }), /16-bit samples or interlaced may have at most 2 megapixels/],
    ['a GIF over 16 MP', () => flat(4001, 4001).gif().toBuffer(), /a GIF may have at most 16 megapixels/],
    [
      'a WebP over 16 MP',
      () => flat(4001, 4001).webp({ quality: 10, effort: 0 }).toBuffer(),
      /a WebP may have at most 16 megapixels/,
    ],
    [
      'a WebP over 2 MB (its lossy data costs 120 ns a byte)',
      () => sharp(randomBytes(1500 * 1500 * 3), { raw: { width: 1500, height: 1500, channels: 3 } }).webp({ quality: 100 }).toBuffer(),
      /a WebP may have at most 2097152 bytes/,
    ],
    ['a JPEG over 40 MP', () => progressiveJpeg({ width: 6325, height: 6325, components: 1, scans: 1 }), /a JPEG may have at most 40 megapixels/],
    ['a JPEG of 883 scans (137 kB at 40 MP)', () => progressiveJpeg({ width: 2048, height: 2048, components: 1, scans: 883 }), /in 883 scans: at most 91 at this size/],
  ])('refuses %s before decoding it', async (_what, picture, detail) => {
    const { token } = await api.register();
    const response = await api.put('/users/avatar', { token, body: upload(await picture()) });
    expectProblem(response, 400, 'INVALID_IMAGE');
    expect(response.body.detail).toMatch(detail);
  });

  it.each([
    ['8,192 × 128 px, the widest ratio', () => pngFile({ width: 8192, height: 128, bitDepth: 1, colorType: 0 })],
    ['a PNG of 6 MP, RGBA, Paeth', () => pngFile({ width: 2449, height: 2449, colorType: 6, filter: 4 })],
    ['a PNG of 2 MP, 16-bit, interlaced', () => pngFile({ width: 1414, height: 1414, bitDepth: 16, colorType: 6, interlaced: true, filter: 4 })],
    ['a GIF of 16 MP', () => flat(4000, 4000).gif().toBuffer()],
    ['a GIF of 200,000 frames (4.6 MB), all read to count them', () => manyFrameGif({ width: 64, height: 64, frames: 200_000 })],
    ['a JPEG of 40 MP in 9 scans', () => progressiveJpeg({ width: 6324, height: 6324, components: 1, scans: 9 })],
  ])('takes %s, at its bounds', async (_what, picture) => {
    const { token } = await api.register();
    expect((await api.put('/users/avatar', { token, body: upload(await picture()) })).status).toBe(200);
  });

  it('decodes in a process of its own, below every other thread: SCHED_IDLE (nice 19 where chrt is missing)', async () => {
    const { token } = await api.register();
    expect((await api.put('/users/avatar', { token, body: upload(await png(64, 64)) })).status).toBe(200);
    const pid = decoderPid();
    expect(pid).toEqual(expect.any(Number));
    expect(scheduling(pid!)).toEqual(existsSync('/usr/bin/chrt') ? { policy: 5, nice: 19 } : { policy: 0, nice: 19 });
  });

  it('answers 503 AVATAR_BUSY with Retry-After when the decoder gets no core before its deadline, then decodes again', async () => {
    const { token } = await api.register();
    const picture = upload(await png(32, 32, '#102030'));
    expect((await api.put('/users/avatar', { token, body: picture })).status).toBe(200);
    const stopped = decoderPid()!;
    // What a machine with no core to spare does to a process under SCHED_IDLE.
    process.kill(stopped, 'SIGSTOP');
    try {
      expectBusy(await api.put('/users/avatar', { token, body: picture }));
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    expect((await api.put('/users/avatar', { token, body: picture })).status).toBe(200);
    expect(decoderPid()).not.toBe(stopped);
  });

  it('decodes one picture at a time: 16 more wait their turn, and beyond them an upload is answered 503 at once', async () => {
    const { token } = await api.register();
    const picture = upload(await png(16, 16, '#203040'));
    expect((await api.put('/users/avatar', { token, body: picture })).status).toBe(200);
    const stopped = decoderPid()!;
    process.kill(stopped, 'SIGSTOP');
    const answered: ApiResponse[] = [];
    const uploads = Array.from({ length: 20 }, () =>
      api.put('/users/avatar', { token, body: picture }).then((response) => (answered.push(response), response)),
    );
    try {
      for (let waited = 0; answered.length < 3 && waited < 10_000; waited += 20) await sleep(20);
      expect(answered.map((response) => response.status)).toEqual([503, 503, 503]);
      answered.forEach(expectBusy);
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    const statuses = (await Promise.all(uploads)).map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(17);
  });
});

describe('findings 1 and 8: uploads are limited per account', () => {
  const { api } = useApp({ AVATAR_UPLOADS_PER_HOUR: '3' }, { checkContract: false });

  it('answers the fourth upload of the hour 429 with Retry-After, before reading it, and keeps the picture shown', async () => {
    const { token } = await api.register();
    let shown = '';
    for (let i = 0; i < 3; i++) {
      const response = await api.put('/users/avatar', { token, body: upload(await png(16, 16, `#00000${i}`)) });
      expect(response.status).toBe(200);
      shown = response.body.image_path;
    }
    const refused = await api.put('/users/avatar', { token, body: upload(await png(16, 16, '#0000ff')) });
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    // 64 MB, refused while it is still being sent: the upload is never read.
    const { status, body, sentBeforeAnswer } = await streamBody(`${api.baseUrl}/users/avatar`, {
      headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      head: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n\r\n`,
      size: 64 * MIB,
      tail: `\r\n--${BOUNDARY}--\r\n`,
    });
    expect([status, JSON.parse(body).code]).toEqual([429, 'RATE_LIMITED']);
    expect(sentBeforeAnswer).toBeLessThan(32 * MIB);
    expect((await api.get('/users', { token })).body.image_path).toBe(shown);
  });

  it("counts an administrator's uploads for other accounts against the administrator's own", async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const { token, user } = await api.register();
    for (let i = 0; i < 3; i++) {
      expect((await api.put(`/api/users/${user.id}/avatar`, { token: admin, body: upload(await png(16, 16, `#00ff0${i}`)) })).status).toBe(200);
    }
    expectProblem(await api.put(`/api/users/${user.id}/avatar`, { token: admin, body: upload(await png(16, 16, '#00ff0f')) }), 429, 'RATE_LIMITED');
    expect((await api.put('/users/avatar', { token, body: upload(await png(16, 16, '#00fff0')) })).status).toBe(200);
  });
});

describe('finding 8: pictures do not pile up', () => {
  const { api, testApp } = useApp({ PURGE_INTERVAL_SECONDS: '0' }, { checkContract: false });
  const db = () => testApp().app.get(DataSource);
  const storedCount = async () => Number((await db().query('SELECT count(*)::int AS n FROM avatars'))[0].n);
  const isStored = async (path: string) =>
    (await db().query(`SELECT 1 FROM avatars WHERE '/avatars/' || hash || '.webp' = $1`, [path])).length > 0;

  it('keeps one stored picture for an account that uploads one picture after another', async () => {
    const { token } = await api.register();
    const before = await storedCount();
    for (let i = 0; i < 8; i++) {
      expect((await api.put('/users/avatar', { token, body: upload(await png(24, 24, `#1${i}1${i}1${i}`)) })).status).toBe(200);
    }
    expect(await storedCount()).toBe(before + 1);
  });

  it('deletes the picture an account replaces or removes in that transaction, unless another account shows it, on both routes', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const [first, second] = [await api.register(), await api.register()];
    const put = (path: string, token: string, color: string) => async () =>
      (await api.put(path, { token, body: upload(await png(24, 24, color)) })).body.image_path as string;
    const replaced = await put('/users/avatar', first.token, '#abcdef')();
    const shared = await put('/users/avatar', first.token, '#fedcba')();
    expect(await isStored(replaced)).toBe(false);
    expect(await put(`/api/users/${second.user.id}/avatar`, admin, '#fedcba')()).toBe(shared);
    expect((await api.delete('/users/avatar', { token: first.token })).status).toBe(200);
    expect(await isStored(shared)).toBe(true);
    expect((await api.delete(`/api/users/${second.user.id}/avatar`, { token: admin })).status).toBe(200);
    expect(await isStored(shared)).toBe(false);
  });

  it('leaves no account showing a missing picture while many upload it as one of them replaces or removes it', async () => {
    const avatars = testApp().app.get(AvatarsService);
    const context = { actorId: null, origin: { ip: '127.0.0.1', userAgent: null, requestId: 'race' } };
    // Fewer than the pool's 10 connections: all of a round's transactions run at once.
    const targets = (await Promise.all(Array.from({ length: 8 }, () => api.register()))).map(({ user }) => ({ id: user.id as number }));
    const [changing, ...others] = targets;
    const missing = () =>
      db().query(`SELECT id FROM users WHERE image_path LIKE '/avatars/%'
                    AND NOT EXISTS (SELECT 1 FROM avatars a WHERE '/avatars/' || a.hash || '.webp' = users.image_path)`);
    for (let round = 0; round < 40; round++) {
      // Any bytes stand for a decoded picture: show() stores what the decoder made.
      const [picture, next] = [randomBytes(64), randomBytes(64)];
      await avatars.show(changing, picture, context);
      const uploads = others.map((target) => () => avatars.show(target, picture, context));
      // The change starts at another place among the uploads each round.
      uploads.splice(round % (uploads.length + 1), 0, () =>
        round % 2 === 0 ? avatars.show(changing, next, context) : avatars.remove(changing, context),
      );
      await Promise.all(uploads.map((start) => start()));
      expect({ round, missing: await missing() }).toEqual({ round, missing: [] });
      // Once no account shows them, both are gone.
      await Promise.all(targets.map((target) => avatars.remove(target, context)));
      const hashes = [picture, next].map((bytes) => createHash('sha256').update(bytes).digest('hex'));
      const [{ left }] = await db().query('SELECT count(*)::int AS left FROM avatars WHERE hash = ANY($1)', [hashes]);
      expect({ round, left }).toEqual({ round, left: 0 });
    }
  });
});

describe('finding 10: an empty file part answers 400, not 500', () => {
  const { api } = useApp({}, { checkContract: false });

  it('answers 400 VALIDATION_FAILED naming the file, on both routes, and changes nothing', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const { token, user } = await api.register();
    const shown = (await api.put('/users/avatar', { token, body: upload(await png(16, 16, '#0a0a0a')) })).body.image_path;
    for (const response of [
      await api.put('/users/avatar', { token, body: upload(Buffer.alloc(0)) }),
      await api.put(`/api/users/${user.id}/avatar`, { token: admin, body: upload(Buffer.alloc(0)) }),
    ]) {
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: 'file', message: 'The file "file" is empty: choose a picture.' }]);
    }
    expect((await api.get('/users', { token })).body.image_path).toBe(shown);
  });
});

describe("the suite's gap: the picture size limit is 5 MB by default", () => {
  // No AVATAR_MAX_BYTES: the default is what is tested.
  const { api } = useApp({}, { checkContract: false });

  /** A file of `bytes` bytes (spaces and what `extra` adds), streamed. */
  const send = (token: string, bytes: number) => {
    const extra = bytes % (64 * 1024);
    return streamBody(`${api.baseUrl}/users/avatar`, {
      headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      head: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n`,
      size: bytes - extra,
      tail: `${' '.repeat(extra)}\r\n--${BOUNDARY}--\r\n`,
    });
  };

  it('answers 413 to a file of 5 MiB and one byte, and reads one of 5 MiB (400: no picture)', async () => {
    const { token } = await api.register();
    const over = await send(token, 5 * MIB + 1);
    expect([over.status, JSON.parse(over.body).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const at = await send(token, 5 * MIB);
    expect([at.status, JSON.parse(at.body).code]).toEqual([400, 'INVALID_IMAGE']);
  });
});
