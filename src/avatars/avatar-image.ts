import sharp from 'sharp';
import { ErrorCode } from '../common/error-code.enum';
import { problem } from '../common/problem.exception';

/** The formats taken, as sharp names them once it has read the file's header. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif']);

/**
 * Pixels an upload may have, checked from its header before any pixel is decoded: a PNG of a
 * few kilobytes can claim 100,000 × 100,000. 40 megapixels takes any phone's photo.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

/** The stored picture's largest side. */
export const AVATAR_SIZE = 512;

// One libvips thread an image, and no cache of decoded images: an upload must not take the
// CPU or the memory that requests and bcrypt need.
sharp.concurrency(1);
sharp.cache(false);

/**
 * An uploaded file as the stored picture: decoded (the type is what the bytes are, whatever the
 * file's name or Content-Type say), turned upright, scaled to fit 512 × 512 with its proportions,
 * and re-encoded as WebP. Nothing of the original's metadata (EXIF, GPS, ICC, comments) is kept:
 * sharp writes none unless asked. Anything else is 400 INVALID_IMAGE: SVG (it can carry scripts),
 * a file that does not decode or is cut short, more pixels than MAX_INPUT_PIXELS.
 */
export async function toAvatar(upload: Buffer): Promise<Buffer> {
  const image = sharp(upload, {
    limitInputPixels: MAX_INPUT_PIXELS,
    failOn: 'error',
    autoOrient: true,
    // A GIF's or WebP's first frame.
    animated: false,
    pages: 1,
  });
  let format: string | undefined;
  try {
    ({ format } = await image.metadata());
  } catch {
    throw invalidImage();
  }
  if (format === undefined || !ACCEPTED_FORMATS.has(format)) throw invalidImage();
  try {
    return await image
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw invalidImage();
  }
}

function invalidImage() {
  return problem(ErrorCode.INVALID_IMAGE);
}
