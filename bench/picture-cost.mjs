// What a picture costs the built service, and what uploads cost logins (issue 22).
//
//   npm run build && node bench/picture-cost.mjs [runs=3] [seconds=6] [pairs=4]
//
// runs=0 measures the logins only, with the picture that has been the dearest (a JPEG of 40 MP in
// as many full scans as the bounds allow); BENCH_ENTRY=<another build>/main.js measures another build.
//
// 1. Builds the dearest pictures that the bounds of src/avatars/avatar-bounds.ts (read from
//    dist/) let through, by format, and a few they refuse.
// 2. Uploads each `runs` times, one upload at a time, and reads from /proc the CPU seconds that
//    the service's processes (the service and any decoder process of its) used for it: the
//    least and the median, so that other load on the machine moves the figure little.
// 3. Logins, 8 in flight (twice libuv's 4 bcrypt threads): `pairs` pairs of windows of
//    `seconds`, one idle and one during 10 uploads in parallel of the dearest picture (each sent
//    again once answered), the order swapped each pair. Reports the logins a second of each, the
//    median of the pairs' ratios, and the logins refused (not 200, or no answer within 10 s).
//
// PostgreSQL as in bench/run.mjs (BENCH_DATABASE_URL); prints a table and writes
// bench/picture-cost.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import bounds from '../dist/avatars/avatar-bounds.js';
import { manyFrameGif, pngFile, progressiveJpeg } from '../test/support/pictures.mjs';
import { completionRate, median, randomSecret, ROOT, round, seedUsers, startService, withDatabase } from './support.mjs';

const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = Number(process.argv[2] || 3);
const WINDOW_SECONDS = Number(process.argv[3] || 6);
const PAIRS = Number(process.argv[4] || 4);
const MAX_BYTES = 5 * 1024 * 1024;
const LOG_DIR = `${ROOT}bench/logs`;
const LOGINS_IN_FLIGHT = 8;
const PARALLEL_UPLOADS = 10;
const LOGIN_TIMEOUT_MS = 10_000;
mkdirSync(LOG_DIR, { recursive: true });

const { MAX_SIDE, MAX_SIDE_RATIO, MAX_MEGAPIXELS, HEAVY_PNG_MEGAPIXELS, MAX_WEBP_BYTES, MAX_JPEG_BLOCK_SCANS } = bounds;

// ---------------------------------------------------------------- pictures

/** The sides of a square of at most `megapixels`. */
const square = (megapixels) => Math.floor(Math.sqrt(megapixels * 1e6));

/** An embedded Display P3 profile: sharp converts such a picture to sRGB, pixel by pixel. */
const p3Profile = async () =>
  (await sharp(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).withIccProfile('p3').png().toBuffer()).metadata()).icc;

/** A flat picture of `width` × `height` through sharp, with alpha when `channels` is 4. */
const flat = (width, height, channels = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 40, b: 40, alpha: 0.5 } }, limitInputPixels: false });

/**
 * The largest square of noise whose `encode`d file has at most `maxBytes`: the most data to
 * decode; or, given `width` and `height`, a picture of that size whose top rows are noise, as many
 * as the file may hold: the most pixels and the most data at once.
 */
async function densest(encode, maxBytes, { channels = 3, width, height } = {}) {
  const [low, high] = width ? [0, height] : [64, 8192];
  const make = (n) => {
    const [w, h] = width ? [width, height] : [n, n];
    const raw = Buffer.alloc(w * h * channels, 0x80);
    const noisy = width ? n * w * channels : raw.length;
    for (let at = 0; at < noisy; at += 65_536) raw.set(randomBytes(Math.min(65_536, noisy - at)), at);
    return encode(sharp(raw, { raw: { width: w, height: h, channels }, limitInputPixels: false })).toBuffer();
  };
  let [fits, tooLarge, best] = [low, high, undefined];
  while (tooLarge - fits > 8) {
    const n = (fits + tooLarge) >> 1;
    const file = await make(n);
    if (file.length <= maxBytes) [fits, best] = [n, file];
    else tooLarge = n;
  }
  return best ?? make(low);
}

/** The picture dearest to decode in every run so far: a JPEG of 40 MP in all the full scans the bound allows. */
function fullScansJpeg() {
  const side = square(MAX_MEGAPIXELS.jpeg);
  const scans = Math.floor(MAX_JPEG_BLOCK_SCANS / (3 * Math.ceil(side / 8) ** 2));
  return [`JPEG ${side}² RGB, ${scans} full scans`, progressiveJpeg({ width: side, height: side, components: 3, scans })];
}

async function pictures() {
  const icc = await p3Profile();
  const iccChunk = { type: 'iCCP', data: Buffer.concat([Buffer.from('P3\0\0'), deflateSync(icc)]) };
  const [png, heavyPng, jpeg, gif, webp] = [MAX_MEGAPIXELS.png, HEAVY_PNG_MEGAPIXELS, MAX_MEGAPIXELS.jpeg, MAX_MEGAPIXELS.gif, MAX_MEGAPIXELS.webp].map(square);
  const wide = [MAX_SIDE, Math.floor((MAX_MEGAPIXELS.png * 1e6) / MAX_SIDE)];
  /** The scans of a `side`² JPEG of `channels` that the bound lets through. */
  const scans = (side, channels) => Math.floor(MAX_JPEG_BLOCK_SCANS / (channels * Math.ceil(side / 8) ** 2));
  const bandOf = (side, encode, maxBytes, channels = 3) => densest(encode, maxBytes, { channels, width: side, height: side });
  const within = {
    [`PNG ${png}² RGBA 8-bit, Paeth, P3 profile`]: pngFile({ width: png, height: png, colorType: 6, filter: 4, chunks: [iccChunk] }),
    [`PNG ${png}² RGBA 8-bit, P3, noise to 5 MB`]: await bandOf(png, (image) => image.withIccProfile('p3').png({ compressionLevel: 1 }), MAX_BYTES, 4),
    [`PNG ${wide.join(' × ')} RGBA 8-bit, Paeth`]: pngFile({ width: wide[0], height: wide[1], colorType: 6, filter: 4 }),
    [`PNG ${MAX_SIDE} × ${MAX_SIDE / MAX_SIDE_RATIO} 1-bit (widest ratio)`]: pngFile({ width: MAX_SIDE, height: MAX_SIDE / MAX_SIDE_RATIO, bitDepth: 1, colorType: 0 }),
    [`PNG ${heavyPng}² RGBA 16-bit, interlaced, Paeth, P3`]: pngFile({ width: heavyPng, height: heavyPng, bitDepth: 16, colorType: 6, interlaced: true, filter: 4, chunks: [iccChunk] }),
    [`PNG ${heavyPng}² 1-bit, interlaced, Paeth`]: pngFile({ width: heavyPng, height: heavyPng, bitDepth: 1, colorType: 0, interlaced: true, filter: 4 }),
    [`PNG ${heavyPng}² palette, interlaced, Paeth`]: pngFile({ width: heavyPng, height: heavyPng, colorType: 3, interlaced: true, filter: 4 }),
    [`JPEG ${jpeg}² baseline, rotated, P3`]: await flat(jpeg, jpeg).jpeg().withIccProfile('p3').withExif({ IFD0: { Orientation: '6' } }).toBuffer(),
    [`JPEG ${jpeg}² CMYK`]: await flat(jpeg, jpeg).toColourspace('cmyk').jpeg().toBuffer(),
    [`JPEG ${jpeg}² 4:4:4, noise to 5 MB`]: await bandOf(jpeg, (image) => image.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }), MAX_BYTES),
    ...Object.fromEntries([fullScansJpeg()]),
    [`JPEG ${jpeg}² grey, ${scans(jpeg, 1)} scans`]: progressiveJpeg({ width: jpeg, height: jpeg, components: 1, scans: scans(jpeg, 1) }),
    'JPEG 12 MP progressive (10 scans)': await flat(4240, 2830).jpeg({ progressive: true, quality: 95 }).toBuffer(),
    'JPEG of noise, progressive 4:4:4, 5 MB': await densest((image) => image.jpeg({ quality: 100, progressive: true, chromaSubsampling: '4:4:4' }), MAX_BYTES),
    [`GIF ${gif}² interlaced, with transparency`]: await flat(gif, gif, 4).gif({ progressive: true }).toBuffer(),
    [`GIF ${gif}², noise to 5 MB`]: await bandOf(gif, (image) => image.gif({ dither: 0 }), MAX_BYTES),
    'GIF of 220,000 frames, 5 MB': manyFrameGif({ width: 64, height: 64, frames: 220_000 }),
    [`WebP ${webp}² lossy, alpha, P3, rotated`]: await flat(webp, webp, 4).webp({ quality: 90 }).withIccProfile('p3').withExif({ IFD0: { Orientation: '6' } }).toBuffer(),
    [`WebP ${webp}² lossy, alpha, P3, noise to the byte limit`]: await bandOf(webp, (image) => image.webp({ quality: 100, alphaQuality: 100 }).withIccProfile('p3'), MAX_WEBP_BYTES, 4),
    [`WebP ${webp}² lossless, alpha, noise to the byte limit`]: await bandOf(webp, (image) => image.webp({ lossless: true }), MAX_WEBP_BYTES, 4),
    'WebP of noise, lossy q100, at the byte limit': await densest((image) => image.webp({ quality: 100 }), MAX_WEBP_BYTES),
  };
  const refused = {
    "PNG 1 × 39,999,999 1-bit (the review's)": pngFile({ width: 1, height: 39_999_999, bitDepth: 1, colorType: 0 }),
    'JPEG 2048² grey, 883 scans (137 kB at 40 MP)': progressiveJpeg({ width: 2048, height: 2048, components: 1, scans: 883 }),
    'WebP of noise, lossy q100, 5 MB': await densest((image) => image.webp({ quality: 100 }), MAX_BYTES),
  };
  return { within, refused };
}

// ---------------------------------------------------------------- /proc

function statFields(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return undefined;
  }
}

/** The processes started by `pid`, and theirs. */
function descendants(pid) {
  let children = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    }
  } catch {
    // gone
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** CPU seconds of `pid` and of every process it started, the ended ones included (reaped). */
function treeCpuSeconds(pid) {
  let ticks = 0;
  for (const process of [pid, ...descendants(pid)]) {
    const fields = statFields(process);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / 100;
}

/** CPU seconds of the service's decoder processes alone (the live ones). */
function decoderCpuSeconds(pid) {
  return descendants(pid).reduce((total, child) => total + (Number(statFields(child)?.[11] ?? 0) + Number(statFields(child)?.[12] ?? 0)) / 100, 0);
}

/** How the scheduler runs a decoder process of the service, if it has one. */
function decoderScheduling(pid) {
  return descendants(pid).map((child) => {
    const sched = readFileSync(`/proc/${child}/sched`, 'utf8');
    const policy = Number(/^policy\s*:\s*(\d+)/m.exec(sched)?.[1]);
    const nice = Number(statFields(child)?.[16]);
    return { pid: child, policy: { 0: 'SCHED_OTHER', 3: 'SCHED_BATCH', 5: 'SCHED_IDLE' }[policy] ?? policy, nice };
  });
}

// ---------------------------------------------------------------- HTTP

async function upload(url, token, picture) {
  const form = new FormData();
  form.append('file', new Blob([picture]), 'picture');
  try {
    const response = await fetch(`${url}/users/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = await response.json();
    return response.status === 200 ? '200' : `${response.status} ${body.code}`;
  } catch (error) {
    return `error ${error.cause?.code ?? error.name}`;
  }
}

/** `loops` loops of `work` until `stop()` says so; answers once all have ended. */
async function inLoops(loops, work, running) {
  await Promise.all(Array.from({ length: loops }, async (_, loop) => {
    for (let i = 0; running(); i++) await work(loop, i);
  }));
}

function count(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------- the bench

await withDatabase(ADMIN_URL, async (db) => {
  console.log(`load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}; building the pictures...`);
  const { within, refused } = RUNS > 0 ? await pictures() : { within: Object.fromEntries([fullScansJpeg()]), refused: {} };
  const service = await startService({
    db,
    secret: randomSecret(),
    logDir: LOG_DIR,
    env: { AVATAR_UPLOADS_PER_HOUR: '1000000' },
  });
  const users = await seedUsers(service.url, PARALLEL_UPLOADS + 20, 4);
  const [uploaders, loginUsers] = [users.slice(0, PARALLEL_UPLOADS), users.slice(PARALLEL_UPLOADS)];

  // 1. CPU a picture, one upload at a time.
  const costs = [];
  for (const [group, set] of RUNS > 0 ? [['within the bounds', within], ['refused', refused]] : []) {
    console.log(`\n${group}: CPU seconds of the service's processes an upload (least, median of ${RUNS})`);
    for (const [name, picture] of Object.entries(set)) {
      const cpu = [];
      const answers = [];
      for (let run = 0; run < RUNS; run++) {
        const before = treeCpuSeconds(service.pid);
        answers.push(await upload(service.url, uploaders[run % uploaders.length].token, picture));
        cpu.push(treeCpuSeconds(service.pid) - before);
      }
      const row = { group, name, bytes: picture.length, answers: count(answers), leastCpu: round(Math.min(...cpu), 3), medianCpu: round(median(cpu), 3) };
      costs.push(row);
      console.log(`${name.padEnd(52)} ${String(picture.length).padStart(8)} B  ${JSON.stringify(row.answers).padEnd(26)} ${row.leastCpu.toFixed(3)}  ${row.medianCpu.toFixed(3)}`);
    }
  }
  // runs=0: no costs, and the logins meet the picture that was the dearest in every run so far.
  const dearest = RUNS > 0
    ? costs.filter((row) => row.group === 'within the bounds').sort((a, b) => b.medianCpu - a.medianCpu)[0]
    : { name: fullScansJpeg()[0], medianCpu: undefined };
  console.log(`\ndearest picture within the bounds: ${dearest.name}, ${dearest.medianCpu} CPU s; decoder: ${JSON.stringify(decoderScheduling(service.pid))}`);

  // 2. Logins idle, and during parallel uploads of the dearest picture: pairs of windows, the
  // order swapped each pair, so that each pair saw the same moment of a shared machine.
  const loginWindow = async (phase) => {
    const uploadsRunning = { on: phase === 'uploads' };
    const uploadAnswers = [];
    const uploading = phase === 'uploads'
      ? inLoops(PARALLEL_UPLOADS, async (loop) => uploadAnswers.push(await upload(service.url, uploaders[loop].token, within[dearest.name])), () => uploadsRunning.on)
      : Promise.resolve();
    // The decodes under way first.
    if (phase === 'uploads') await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = performance.now();
    const until = started + WINDOW_SECONDS * 1000;
    const cpuBefore = { service: treeCpuSeconds(service.pid), decoder: decoderCpuSeconds(service.pid) };
    const logins = [];
    let next = 0;
    await inLoops(LOGINS_IN_FLIGHT, async () => {
      const { email, password } = loginUsers[next++ % loginUsers.length];
      let ok = false;
      try {
        const response = await fetch(`${service.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
          signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        ok = response.status === 200;
      } catch {
        // no answer in time: refused
      }
      logins.push({ at: performance.now(), ok });
    }, () => performance.now() < until);
    const seconds = (performance.now() - started) / 1000;
    const cores = (before, after) => round((after - before) / seconds, 2);
    const window = {
      phase,
      loginsPerSecond: round(completionRate(logins.filter((login) => login.ok).map((login) => login.at), started, until).perSecond, 2),
      logins: logins.length,
      refused: logins.filter((login) => !login.ok).length,
      serviceCores: cores(cpuBefore.service, treeCpuSeconds(service.pid)),
      decoderCores: cores(cpuBefore.decoder, decoderCpuSeconds(service.pid)),
    };
    uploadsRunning.on = false;
    await uploading;
    window.uploads = count(uploadAnswers);
    console.log(
      `${phase.padEnd(8)} ${window.loginsPerSecond} logins/s (${window.logins}, ${window.refused} refused); ` +
        `uploads ${JSON.stringify(window.uploads)}; service and decoder ${window.serviceCores} cores, decoder ${window.decoderCores}`,
    );
    return window;
  };
  const windows = [];
  const pairRatios = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const done = {};
    for (const phase of pair % 2 === 0 ? ['idle', 'uploads'] : ['uploads', 'idle']) {
      done[phase] = await loginWindow(phase);
      windows.push(done[phase]);
    }
    pairRatios.push(round(done.uploads.loginsPerSecond / done.idle.loginsPerSecond, 3));
  }
  const ratio = round(median(pairRatios), 3);
  const refusedLogins = windows.reduce((total, window) => total + window.refused, 0);
  console.log(
    `\nlogins during ${PARALLEL_UPLOADS} parallel uploads / idle: ${ratio} (median of the pairs: ${pairRatios.join(', ')}); ` +
      `logins refused: ${refusedLogins}; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`,
  );
  writeFileSync(
    `${ROOT}bench/picture-cost.json`,
    `${JSON.stringify({ at: new Date().toISOString(), entry: process.env.BENCH_ENTRY || 'dist/main.js', runs: RUNS, costs, dearest: dearest.name, windows, pairRatios, ratio, refusedLogins, loadAverage: loadavg() }, null, 2)}\n`,
  );
  await service.stop();
});
