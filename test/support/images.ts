import sharp from 'sharp';
import { deflateSync } from 'node:zlib';

/** Pictures made for the tests, and the hostile files an upload must refuse. */

/**
 * The pictures built byte by byte to cost a decoder the most for their size, shared with
 * bench/picture-cost.mjs (plain JavaScript, typed here).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { pngChunk, pngFile, progressiveJpeg, manyFrameGif } = require('./pictures.mjs') as {
  pngChunk(type: string, data: Buffer): Buffer;
  /** colorType: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA; filter 4 (Paeth) is the dearest. */
  pngFile(spec: {
    width: number;
    height: number;
    bitDepth?: number;
    colorType?: number;
    interlaced?: boolean;
    filter?: number;
    chunks?: { type: string; data: Buffer }[];
  }): Buffer;
  progressiveJpeg(spec: { width: number; height: number; components?: number; scans: number }): Buffer;
  manyFrameGif(spec: { width: number; height: number; frames: number }): Buffer;
};

/** A 1200 × 800 JPEG photo that says where it was taken (EXIF GPS) and carries a description. */
export function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a6' } })
    .jpeg()
    .withExif({
      IFD0: { ImageDescription: 'holiday at home' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    .toBuffer();
}

export function png(width: number, height: number, background = '#c00'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();
}

/** A two-frame GIF, red then blue. */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all([png(60, 40, '#c00'), png(60, 40, '#00c')]);
  return sharp(frames, { join: { animated: true } }).gif().toBuffer();
}

/** An SVG with a script in it. */
export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>',
);

/** A PNG of a few hundred bytes whose header claims 100,000 × 100,000 pixels (30 GB decoded). */
export function decompressionBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header[8] = 8; // bits a sample
  header[9] = 2; // RGB
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.alloc(1000))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A multipart body with `file` as its one part (or under another name). */
export function upload(bytes: Buffer, { name = 'file', filename = 'picture.jpg', type = 'image/jpeg' } = {}): FormData {
  const form = new FormData();
  form.append(name, new Blob([new Uint8Array(bytes)], { type }), filename);
  return form;
}
