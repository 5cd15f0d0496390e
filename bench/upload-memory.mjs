// The built service's memory during profile-picture uploads (issue 15): a JPEG of nearly 5 MB
// (AVATAR_MAX_BYTES), five times (or as many as the argument says), and a 64-MB upload that the limit refuses. The service's RSS
// is read from /proc every 2 ms; each growth is over the RSS just before the upload.
// `npm run build && node bench/upload-memory.mjs` (PostgreSQL as in bench/run.mjs).
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdirSync } from 'node:fs';
import sharp from 'sharp';
import { call, memoryMiB, randomSecret, ROOT, round, startService, uploadAvatar, withDatabase } from './support.mjs';

const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const MAX_BYTES = 5 * 1024 * 1024;
const RUNS = Number(process.argv[2] || 5);
const LOG_DIR = `${ROOT}bench/logs`;
mkdirSync(LOG_DIR, { recursive: true });

/** A JPEG of noise (which compresses badly) of just under `maxBytes`. */
async function largeJpeg(maxBytes) {
  for (let side = 2600; side > 500; side -= 50) {
    const pixels = randomBytes(side * side * 3);
    const jpeg = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    if (jpeg.length <= maxBytes) return { jpeg, side };
  }
  throw new Error('no JPEG small enough');
}

/** Runs `work` while sampling the RSS of `pid`; answers its result and the growth in MiB. */
async function growthDuring(pid, work) {
  const before = memoryMiB(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, memoryMiB(pid) ?? 0)), 2);
  try {
    const result = await work();
    return { result, growthMiB: round(peak - before, 1), beforeMiB: round(before, 1) };
  } finally {
    clearInterval(timer);
  }
}

/** An upload of `size` bytes streamed from one reused chunk until the service answers. */
function streamUpload(url, token, size) {
  const boundary = 'bench-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n`;
  const chunk = Buffer.alloc(64 * 1024, 0xab);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpRequest(`${url}/users/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('response', (response) => {
      answered = true;
      const sentBeforeAnswer = sent;
      response.resume();
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode, sentBeforeAnswer });
      });
    });
    request.on('error', (error) => {
      if (!answered && error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const next = () => {
      while (!answered && sent < size) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', next);
      }
      if (!answered) request.end(`\r\n--${boundary}--\r\n`);
    };
    request.once('socket', (socket) => socket.once('connect', () => (request.write(head), next())));
    request.flushHeaders();
  });
}

await withDatabase(ADMIN_URL, async (db) => {
  const service = await startService({ db, secret: randomSecret(), logDir: LOG_DIR });
  const { body } = await call(service.url, 'POST', '/auth/register', {
    body: { email: `upload-${Date.now()}@example.com`, password: 'upload-memory-password', name: 'Upload Memory' },
  });
  const token = body.access_token;
  const { jpeg, side } = await largeJpeg(MAX_BYTES);
  console.log(`a ${side} x ${side} JPEG of ${jpeg.length} bytes (the limit: ${MAX_BYTES})`);

  const growths = [];
  for (let run = 1; run <= RUNS; run++) {
    const started = performance.now();
    const { growthMiB, beforeMiB } = await growthDuring(service.pid, () => uploadAvatar(service.url, token, jpeg, 'big.jpg'));
    growths.push(growthMiB);
    console.log(`upload ${run}: 200 in ${round(performance.now() - started, 0)} ms; RSS ${beforeMiB} MiB before, +${growthMiB} MiB at most`);
  }
  const over = await growthDuring(service.pid, () => streamUpload(service.url, token, 64 * 1024 * 1024));
  console.log(
    `64-MB upload: ${over.result.status} after ${round(over.result.sentBeforeAnswer / 1048576, 1)} MiB sent; ` +
      `RSS ${over.beforeMiB} MiB before, +${over.growthMiB} MiB at most`,
  );
  console.log(`largest growth during a 5-MB upload: ${Math.max(...growths)} MiB`);
  await service.stop();
});
