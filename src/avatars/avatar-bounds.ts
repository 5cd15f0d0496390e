/**
 * What an upload may be, judged from its header before any pixel is decoded, so that no picture
 * within them costs more than about half a second of CPU to decode (bench/picture-cost.mjs, on
 * the machine of bench/README.md: the worst of each format there). What a decode costs grows
 * with its pixels, and, for some formats, with more than that:
 *
 * - a PNG or a GIF has no scaled decode: every pixel is decoded, at 16 bits a sample if the PNG
 *   has them, and an interlaced one all at once; a 1 × 40,000,000 PNG also pays a row's
 *   overhead 40 million times (the sides' bounds);
 * - a JPEG is decoded at 1/8 of its size (shrink-on-load), but each scan of a progressive one
 *   visits every block of its components again: 883 scans of a 40-MP picture fit in 137 kB;
 * - a lossy WebP decodes every byte of its data at about 120 ns a byte.
 */
import type { Message } from '../i18n/translator';
export const MAX_SIDE = 8192;

/** The longer side over the shorter, at most. */
export const MAX_SIDE_RATIO = 64;

/** Megapixels by format; a PNG of 16-bit samples or interlaced has HEAVY_PNG_MEGAPIXELS. */
export const MAX_MEGAPIXELS: Readonly<Record<AcceptedFormat, number>> = { jpeg: 40, png: 6, gif: 16, webp: 16 };
export const HEAVY_PNG_MEGAPIXELS = 2;

/** A WebP's bytes, at most: its decode costs about 120 ns a byte of lossy data. */
export const MAX_WEBP_BYTES = 2 * 1024 * 1024;

/**
 * A JPEG's scans times its 8 × 8 blocks (all channels, as if none were subsampled), at most: a
 * baseline JPEG of 40 MP (one scan), or a progressive one of 12 MP with libjpeg's usual ten.
 */
export const MAX_JPEG_BLOCK_SCANS = 6_000_000;

export type AcceptedFormat = 'jpeg' | 'png' | 'gif' | 'webp';

/** The formats taken, as sharp names them once it has read the file's header. */
export const ACCEPTED_FORMATS: ReadonlySet<string> = new Set<AcceptedFormat>(['jpeg', 'png', 'gif', 'webp']);

/** What the header of an upload says. */
export interface PictureHeader {
  format: AcceptedFormat;
  width: number;
  height: number;
  channels: number;
  /** 16 for a PNG of 16-bit samples. */
  bitsPerSample: number;
  /** An interlaced PNG or GIF, a progressive JPEG. */
  interlaced: boolean;
  /** The file's size. */
  bytes: number;
  /** A JPEG's scans, at most: see jpegScans. */
  scans: number;
}

/**
 * Why a picture with this header is refused before its decode, or undefined when it is not: a
 * message (plain data, which crosses from the decoder process), rendered in the caller's language.
 */
export function refusal(header: PictureHeader): Message | undefined {
  const { format, width, height } = header;
  const longer = Math.max(width, height);
  if (longer > MAX_SIDE) return { key: 'problems.pictures.sideTooLong', params: { width, height, max: MAX_SIDE } };
  if (longer > MAX_SIDE_RATIO * Math.min(width, height)) {
    return { key: 'problems.pictures.tooNarrow', params: { width, height, ratio: MAX_SIDE_RATIO } };
  }
  const heavyPng = format === 'png' && (header.bitsPerSample > 8 || header.interlaced);
  const megapixels = heavyPng ? HEAVY_PNG_MEGAPIXELS : MAX_MEGAPIXELS[format];
  if (width * height > megapixels * 1e6) {
    return heavyPng
      ? { key: 'problems.pictures.tooManyPixelsHeavyPng', params: { width, height, megapixels } }
      : { key: 'problems.pictures.tooManyPixels', params: { width, height, megapixels, format: FORMAT_NAMES[format] } };
  }
  if (format === 'webp' && header.bytes > MAX_WEBP_BYTES) {
    return { key: 'problems.pictures.webpTooLarge', params: { bytes: header.bytes, max: MAX_WEBP_BYTES } };
  }
  if (format === 'jpeg') {
    const blocks = header.channels * Math.ceil(width / 8) * Math.ceil(height / 8);
    const scans = Math.max(1, Math.floor(MAX_JPEG_BLOCK_SCANS / blocks));
    if (header.scans > scans) {
      return { key: 'problems.pictures.tooManyScans', params: { width, height, scans: header.scans, max: scans } };
    }
  }
  return undefined;
}

const FORMAT_NAMES: Record<AcceptedFormat, string> = { jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP' };

const START_OF_SCAN = Buffer.from([0xff, 0xda]);

/**
 * A JPEG's scans, counted from above: each begins with the marker FF DA, which its compressed
 * data can never hold (a 0xFF there is followed by 0x00), though another segment (an EXIF
 * thumbnail's) may.
 */
export function jpegScans(bytes: Buffer): number {
  let scans = 0;
  for (let at = bytes.indexOf(START_OF_SCAN); at !== -1; at = bytes.indexOf(START_OF_SCAN, at + 2)) scans++;
  return scans;
}
