import sharp from 'sharp';
import type { Message } from '../i18n/translator';
import { ACCEPTED_FORMATS, AcceptedFormat, jpegScans, MAX_MEGAPIXELS, refusal } from './avatar-bounds';

/** The stored picture's largest side. */
export const AVATAR_SIZE = 512;

// One libvips thread an image, and no cache of decoded images: a decode takes one core at most,
// and its memory only while it runs.
sharp.concurrency(1);
sharp.cache(false);

const INPUT: sharp.SharpOptions = {
  // Also libvips' own check, whatever the header said.
  limitInputPixels: Math.max(...Object.values(MAX_MEGAPIXELS)) * 1e6,
  failOn: 'error',
  autoOrient: true,
  // A GIF's or WebP's first frame.
  animated: false,
  pages: 1,
};

/** What a decode gives: the stored picture, or why there is none. */
export type DecodeOutcome =
  | { kind: 'picture'; bytes: Buffer }
  /** Not a picture taken (400 INVALID_IMAGE); `detail` says why when it is more than that. */
  | { kind: 'invalid'; detail?: Message }
  /** The decode passed its deadline: sharp's timeout, or the decoder process's (avatar-decoder.ts). */
  | { kind: 'timeout' }
  /** The decoder process used more CPU on it than any picture within the bounds needs, and was stopped. */
  | { kind: 'too-costly' }
  /** The decoder process ended on its own during the decode. */
  | { kind: 'crash' };

/**
 * An uploaded file as the stored picture: decoded (the type is what the bytes are, whatever the
 * file's name or Content-Type say), turned upright, scaled to fit 512 × 512 with its proportions,
 * and re-encoded as WebP. Nothing of the original's metadata (EXIF, GPS, ICC, comments) is kept:
 * sharp writes none unless asked. Invalid: SVG (it can carry scripts), a file that does not
 * decode or is cut short, and a header out of the bounds of avatar-bounds.ts, refused before any
 * pixel is decoded.
 */
export async function decodeAvatar(upload: Buffer, timeoutSeconds: number): Promise<DecodeOutcome> {
  let metadata: sharp.Metadata;
  try {
    // The header alone, whatever size it claims: the bounds below say why it is refused.
    // (sharp() itself throws for an empty buffer.)
    metadata = await sharp(upload, { ...INPUT, limitInputPixels: false }).metadata();
  } catch {
    return { kind: 'invalid' };
  }
  const { format, width, height } = metadata;
  if (format === undefined || !ACCEPTED_FORMATS.has(format) || !width || !height) return { kind: 'invalid' };
  const detail = refusal({
    format: format as AcceptedFormat,
    width,
    height,
    channels: metadata.channels ?? 4,
    bitsPerSample: metadata.bitsPerSample ?? 8,
    interlaced: metadata.isProgressive ?? false,
    bytes: upload.length,
    scans: format === 'jpeg' ? jpegScans(upload) : 1,
  });
  if (detail) return { kind: 'invalid', detail };
  try {
    const bytes = await sharp(upload, INPUT)
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .timeout({ seconds: timeoutSeconds })
      .toBuffer();
    return { kind: 'picture', bytes };
  } catch (error) {
    return /timeout/i.test((error as Error).message) ? { kind: 'timeout' } : { kind: 'invalid' };
  }
}
