import { render } from '../i18n/translator';
import { jpegScans, PictureHeader, refusal as refusalMessage } from './avatar-bounds';

/** The refusal as an English answer says it. */
const refusal = (header: PictureHeader) => {
  const message = refusalMessage(header);
  return message && render('en', message);
};

/** A header within every bound but the ones a test names. */
const header = (fields: Partial<PictureHeader>): PictureHeader => ({
  format: 'png',
  width: 100,
  height: 100,
  channels: 3,
  bitsPerSample: 8,
  interlaced: false,
  bytes: 1000,
  scans: 1,
  ...fields,
});

describe('refusal', () => {
  it('refuses a side over 8192 px, the review’s 1 × 39,999,999 PNG among them', () => {
    expect(refusal(header({ width: 8192, height: 128 }))).toBeUndefined();
    expect(refusal(header({ width: 8193, height: 200 }))).toBe('The picture is 8193 × 200 px: a side may have at most 8192 px.');
    expect(refusal(header({ width: 1, height: 39_999_999, bitsPerSample: 1, channels: 1 }))).toMatch(/at most 8192 px/);
  });

  it('refuses sides more than 64 times as long as each other, either way', () => {
    expect(refusal(header({ width: 6400, height: 100 }))).toBeUndefined();
    expect(refusal(header({ width: 100, height: 6401 }))).toBe(
      'The picture is 100 × 6401 px: one side may be at most 64 times as long as the other.',
    );
  });

  it.each([
    ['jpeg', 6324, 6324, 6325],
    ['png', 2449, 2449, 2450],
    ['gif', 4000, 4000, 4001],
    ['webp', 4000, 4000, 4001],
  ] as const)('bounds the pixels of a %s', (format, width, height, over) => {
    expect(refusal(header({ format, width, height }))).toBeUndefined();
    expect(refusal(header({ format, width: over, height: over }))).toMatch(/may have at most \d+ megapixels/);
  });

  it('gives a PNG of 16-bit samples, or interlaced, 2 megapixels', () => {
    expect(refusal(header({ width: 1414, height: 1414, bitsPerSample: 16 }))).toBeUndefined();
    expect(refusal(header({ width: 1415, height: 1415, bitsPerSample: 16 }))).toBe(
      'The picture is 1415 × 1415 px: a PNG of 16-bit samples or interlaced may have at most 2 megapixels.',
    );
    expect(refusal(header({ width: 1415, height: 1415, interlaced: true }))).toMatch(/at most 2 megapixels/);
    // A progressive JPEG is not bounded as a PNG.
    expect(refusal(header({ format: 'jpeg', width: 1415, height: 1415, interlaced: true }))).toBeUndefined();
  });

  it('bounds a WebP’s bytes', () => {
    expect(refusal(header({ format: 'webp', bytes: 2 * 1024 * 1024 }))).toBeUndefined();
    expect(refusal(header({ format: 'webp', bytes: 2 * 1024 * 1024 + 1 }))).toBe(
      'The picture is a WebP of 2097153 bytes: a WebP may have at most 2097152 bytes.',
    );
    expect(refusal(header({ format: 'png', bytes: 5 * 1024 * 1024 }))).toBeUndefined();
  });

  it('bounds a JPEG’s scans by its blocks: 3 full scans at 40 MP in colour, more when smaller', () => {
    const jpeg = (width: number, height: number, channels: number, scans: number) =>
      refusal(header({ format: 'jpeg', width, height, channels, scans }));
    expect(jpeg(6324, 6324, 3, 3)).toBeUndefined();
    expect(jpeg(6324, 6324, 3, 4)).toBe('The picture is a JPEG of 6324 × 6324 px in 4 scans: at most 3 at this size.');
    expect(jpeg(6324, 6324, 1, 9)).toBeUndefined();
    expect(jpeg(6324, 6324, 1, 10)).toMatch(/at most 9 at this size/);
    // libjpeg's usual ten scans of a progressive 12-MP photo.
    expect(jpeg(4240, 2830, 3, 10)).toBeUndefined();
    expect(jpeg(2048, 2048, 1, 91)).toBeUndefined();
    expect(jpeg(2048, 2048, 1, 883)).toMatch(/in 883 scans: at most 91/);
  });
});

describe('jpegScans', () => {
  it('counts the start-of-scan markers, and nothing that only looks like one', () => {
    const sos = [0xff, 0xda];
    expect(jpegScans(Buffer.from([0xff, 0xd8, ...sos, 1, 2, 0xff, 0x00, ...sos, 0xff, 0xff, ...sos, 0xff, 0xd9]))).toBe(3);
    expect(jpegScans(Buffer.from([0xff, 0xd8, 0xda, 0xff, 0x00, 0xda, 0xff, 0xd9]))).toBe(0);
    expect(jpegScans(Buffer.alloc(0))).toBe(0);
  });
});
