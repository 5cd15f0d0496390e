// Pictures built byte by byte to cost a decoder the most for their size: the hostile uploads of
// the tests (test/support/images.ts re-exports them, typed) and of bench/picture-cost.mjs.
import { crc32, deflateSync } from 'node:zlib';

/** Samples a pixel by PNG colour type: grey, RGB, palette, grey + alpha, RGBA. */
const PNG_CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7's passes: first column and row, then the steps between them. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** One PNG chunk: its length, type, data and CRC. */
export function pngChunk(type, data) {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A PNG of any shape whose pixels are all zero, compressed to next to nothing: `bitDepth` 1 to
 * 16, `colorType` (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA), Adam7 `interlaced`, and
 * every row's `filter` (4, Paeth, is the dearest to undo). `chunks` ({ type, data }) go after IHDR.
 */
export function pngFile({ width, height, bitDepth = 8, colorType = 2, interlaced = false, filter = 0, chunks = [] }) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = colorType;
  header[12] = interlaced ? 1 : 0;
  const passes = interlaced
    ? ADAM7.map(([x, y, dx, dy]) => [Math.ceil((width - x) / dx), Math.ceil((height - y) / dy)])
    : [[width, height]];
  const rowBytes = (pixels) => Math.ceil((pixels * bitDepth * PNG_CHANNELS[colorType]) / 8);
  const rows = passes.filter(([w, h]) => w > 0 && h > 0);
  const raw = Buffer.alloc(rows.reduce((total, [w, h]) => total + h * (1 + rowBytes(w)), 0));
  // Rows start zeroed, filter 0 (none) included: 40 million of them take a while to write.
  let at = 0;
  for (const [w, h] of filter === 0 ? [] : rows) {
    for (let y = 0; y < h; y++, at += 1 + rowBytes(w)) raw[at] = filter;
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', header),
    ...chunks.map(({ type, data }) => pngChunk(type, data)),
    ...(colorType === 3 ? [pngChunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255]))] : []),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function jpegSegment(marker, body) {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length + 2);
  return Buffer.concat([Buffer.from([0xff, marker]), length, Buffer.from(body)]);
}

/** Entropy-coded bits, most significant first, with a 0 stuffed after each 0xFF byte. */
function entropyBits(write) {
  const bytes = [];
  let byte = 0;
  let count = 0;
  const put = (value, bits) => {
    for (let i = bits - 1; i >= 0; i--) {
      byte = (byte << 1) | ((value >> i) & 1);
      if (++count === 8) {
        bytes.push(byte);
        if (byte === 0xff) bytes.push(0);
        byte = 0;
        count = 0;
      }
    }
  };
  write(put);
  if (count > 0) put(0x7f, 8 - count);
  return Buffer.from(bytes);
}

/**
 * A progressive JPEG (4:4:4) whose coefficients are all zero, with `scans` valid scans: the DC
 * scans of all components first (a first scan and up to 13 refinements: one bit a block each),
 * then AC scans of one coefficient of one component at a time (a run of empty blocks each). Every
 * scan makes the decoder visit every block of its components again, so the cost grows with scans
 * × blocks, not with the file's size: 883 scans of a 40-MP grey picture take 137 kB.
 */
export function progressiveJpeg({ width, height, components = 3, scans }) {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const frame = [8, height >> 8, height & 255, width >> 8, width & 255, components];
  for (let c = 1; c <= components; c++) frame.push(c, 0x11, 0);
  // One Huffman code each: DC difference 0, and AC EOB14 (a run of 2^14 + 14 bits of blocks).
  const table = (tableClass, symbol) => [tableClass << 4, 1, ...new Array(15).fill(0), symbol];
  const parts = [
    Buffer.from([0xff, 0xd8]),
    jpegSegment(0xdb, [0, ...new Array(64).fill(1)]),
    jpegSegment(0xc2, frame),
    jpegSegment(0xc4, table(0, 0x00)),
    jpegSegment(0xc4, table(1, 0xe0)),
  ];
  const scan = (selection, ss, se, ah, al, data) =>
    parts.push(jpegSegment(0xda, [selection.length, ...selection.flatMap((c) => [c, 0]), ss, se, (ah << 4) | al]), data);
  const all = Array.from({ length: components }, (_, i) => i + 1);
  const oneBitABlock = entropyBits((put) => {
    for (let i = 0; i < blocks * components; i++) put(0, 1);
  });
  const dcScans = Math.min(scans, 14);
  scan(all, 0, 0, 0, dcScans - 1, oneBitABlock);
  for (let al = dcScans - 2; al >= 0; al--) scan(all, 0, 0, al + 1, al, oneBitABlock);
  const emptyRun = entropyBits((put) => {
    for (let left = blocks; left > 0; left -= 32_767) put(0x3fff, 15);
  });
  for (let left = scans - dcScans, k = 1; left > 0; k++) {
    for (const c of all) {
      for (let al = 13; al >= 0 && left > 0; al--, left--) scan([c], k, k, al === 13 ? 0 : al + 1, al, emptyRun);
    }
  }
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

/**
 * A GIF of `frames` frames of 1 × 1 px (its screen, `width` × `height`, shrinks to them when
 * decoded): every frame is read to count them, whatever frame is decoded.
 */
export function manyFrameGif({ width, height, frames }) {
  const frame = Buffer.from([
    ...[0x21, 0xf9, 4, 0, 0, 0, 0, 0],
    ...[0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0],
    // LZW, minimum code size 2: clear, colour 0, end.
    ...[2, 2, 0x44, 0x01, 0],
  ]);
  const screen = Buffer.from([width & 255, width >> 8, height & 255, height >> 8, 0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
  return Buffer.concat([Buffer.from('GIF89a'), screen, ...new Array(frames).fill(frame), Buffer.from([0x3b])]);
}
