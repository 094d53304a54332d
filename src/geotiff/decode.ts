import './workerShim.js'; // before geotiff: see workerShim.ts
import { getDecoder as geotiffDecoder } from 'geotiff';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import Lerc from 'lerc';
import { ZSTDDecoder } from 'zstddec/stream';
import { decodeLzma, decodeWebp } from './codecs.js';
import { convertColour, storedBytes, type ColourModel } from './colour.js';
import { decodeJpeg } from './jpeg.js';
import { storedRowBytes, storedSampleBytes, widenSamples, type StoredSamples } from './samples.js';
import { decodeLzw } from './lzw.js';
import { compiledCandidates } from '../core/built.js';
import { undoFloatPredictor, undoHorizontalDifferencing } from './predictor.js';

type Decoder = { decodeBlock(buffer: ArrayBuffer): ArrayBuffer | Promise<ArrayBuffer> };
const getDecoder = (compression: number, parameters: unknown) => geotiffDecoder(compression, parameters as never) as Promise<Decoder>;

/** TIFF compression codes this reader knows by name. */
export const COMPRESSION_NAMES: Record<number, string> = {
  1: 'none', 5: 'LZW', 6: 'old-style JPEG', 7: 'JPEG', 8: 'DEFLATE', 32946: 'DEFLATE', 32773: 'PackBits',
  34887: 'LERC', 34925: 'LZMA', 50000: 'ZSTD', 50001: 'WebP', 50002: 'JPEG XL',
  2: 'CCITT RLE', 3: 'CCITT Group 3 fax', 4: 'CCITT Group 4 fax', 32809: 'ThunderScan', 32908: 'PixarFilm', 32909: 'PixarLog',
  34661: 'JBIG', 34676: 'SGILog', 34677: 'SGILog24', 34712: 'JPEG 2000',
};

/** Compressions decoded here: DEFLATE natively, JPEG by libjpeg-turbo, LZMA by xz-embedded, WebP by libwebp, the others through geotiff.js's decoders. */
export const SUPPORTED_COMPRESSIONS = new Set([1, 5, 7, 8, 32946, 32773, 34887, 34925, 50000, 50001]);

/** How the bytes of one tile or strip are laid out: everything a decoder needs, as plain data. */
export interface BlockLayout {
  compression: number;
  /** 1 none, 2 horizontal differencing, 3 floating point. */
  predictor: number;
  bytesPerSample: number;
  /** Float samples (LERC masks become NaN, as libtiff decodes them). */
  floating: boolean;
  /** Samples interleaved per pixel in this block: samples per pixel when chunky, 1 when planar. */
  samples: number;
  /** Pixels per row of the block (the tile width, or the image width for strips). */
  width: number;
  /** Rows in the block. */
  rows: number;
  littleEndian: boolean;
  /** Planar configuration of the file (LERC needs it). */
  planar: number;
  lercParameters?: number[];
  jpegTables?: Uint8Array;
  /** TIFF PhotometricInterpretation: a JPEG block in YCbCr (6) is converted to RGB, as GDAL reads it, unless `raw`. */
  photometric?: number;
  /** Samples as stored: JPEG YCbCr not converted, colour models not converted. */
  raw?: boolean;
  /**
   * A colour model converted after decompression, as GDAL converts it (YCbCr not in JPEG, CMYK,
   * CIELab); `samples` is then what the conversion gives (RGBA, or the stored samples when raw).
   */
  colour?: ColourModel;
  /** How samples are stored when that differs from their type (bit-packed, 24-bit, float16, float24): widened after decompression. */
  stored?: StoredSamples;
}

/**
 * Decompresses one block and undoes the predictor, returning its samples in this machine's
 * (little-endian) byte order, `width × rows × samples × bytesPerSample` bytes. With `onlyRows`,
 * the predictor is undone in those rows only (the others are left undefined): for point reads.
 * @throws Error with a short reason; the caller adds the file and block.
 */
export async function decodeBlock(bytes: Uint8Array, layout: BlockLayout, onlyRows?: ReadonlySet<number>): Promise<Uint8Array> {
  if (layout.stored) {
    const s = layout.stored;
    const values = layout.width * layout.samples;
    const raw = await decodeStored(bytes, { ...layout, bytesPerSample: storedSampleBytes(s) }, storedRowBytes(s, values) * layout.rows);
    return widenSamples(raw, s, values, layout.rows, layout.bytesPerSample);
  }
  if (!layout.colour) return decodeStored(bytes, layout, layout.width * layout.rows * layout.samples * layout.bytesPerSample, onlyRows);
  const stored = await decodeStored(bytes, { ...layout, samples: layout.colour.stored }, storedBytes(layout.colour, layout.width, layout.rows));
  return convertColour(stored, layout.colour, layout.width, layout.rows);
}

/** Decompresses one block into `expected` bytes of stored samples and undoes the predictor. */
async function decodeStored(bytes: Uint8Array, layout: BlockLayout, expected: number, onlyRows?: ReadonlySet<number>): Promise<Uint8Array> {
  let raw: Uint8Array;
  let jpeg: Uint8Array | null = null;
  // Every decoder is bounded by the block's decoded size: a damaged stream cannot write past it,
  // and a header that claims more is refused before anything is allocated.
  if (layout.compression === 8 || layout.compression === 32946) {
    raw = inflate(bytes, expected);
  } else if (layout.compression === 1) {
    raw = bytes;
  } else if (layout.compression === 34887) {
    raw = await decodeLerc(bytes, layout, expected);
  } else if (layout.compression === 5) {
    // predictor 2 on one little-endian 16- or 32-bit sample per pixel is undone in the LZW module
    const { samples, bytesPerSample: size } = layout;
    if (layout.predictor === 2 && !onlyRows && samples === 1 && (size === 2 || size === 4) && layout.littleEndian) {
      return decodeLzw(bytes, expected, { count: layout.width, rows: layout.rows, size });
    }
    raw = decodeLzw(bytes, expected);
  } else if (layout.compression === 50000) {
    raw = await decodeZstd(bytes, expected, expected);
  } else if (layout.compression === 32773) {
    raw = decodePackBits(bytes, expected);
  } else if (layout.compression === 7 && (jpeg = await jpegBlock(bytes, layout)) !== null) {
    raw = jpeg;
  } else if (layout.compression === 34925) {
    raw = await decodeLzma(bytes, expected);
  } else if (layout.compression === 50001) {
    if (layout.bytesPerSample !== 1 || (layout.samples !== 3 && layout.samples !== 4)) throw new Error(`WebP holds 8-bit RGB or RGBA, the block ${layout.samples} samples of ${layout.bytesPerSample * 8} bits`);
    raw = placeFrame(await decodeWebp(bytes, layout.samples), layout);
  } else {
    if (layout.compression === 7) checkJpeg(bytes, layout);
    const decoder = await getDecoder(layout.compression, {
      tileWidth: layout.width, tileHeight: layout.rows, predictor: 1,
      bitsPerSample: layout.bytesPerSample * 8, planarConfiguration: layout.planar,
      samplesPerPixel: layout.samples,
      ...(layout.lercParameters ? { LercParameters: layout.lercParameters } : {}),
      ...(layout.jpegTables ? { JPEGTables: layout.jpegTables } : {}),
    });
    const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : new Uint8Array(bytes).buffer;
    raw = new Uint8Array(await decoder.decodeBlock(copy as ArrayBuffer));
  }
  if (raw.byteLength < expected) {
    throw new Error(`decompressed to ${raw.byteLength} bytes, expected ${expected}`);
  }
  if (raw.byteLength > expected || raw.byteOffset % layout.bytesPerSample !== 0) raw = raw.slice(0, expected);
  const native = layout.compression === 34887 || layout.compression === 7; // decoders that return native samples
  if (layout.predictor === 3) {
    return undoFloatPredictor(raw, layout, onlyRows);
  }
  if (!layout.littleEndian && !native && layout.bytesPerSample > 1) swapBytes(raw, layout.bytesPerSample);
  if (layout.predictor === 2) undoHorizontalDifferencing(raw, layout, onlyRows);
  return raw;
}

/**
 * LERC, with its optional DEFLATE or ZSTD wrapping (LercParameters[1]: 0 none, 1 DEFLATE, 2 ZSTD).
 * Masked pixels of float bands become NaN, as libtiff (and so GDAL) decodes them; geotiff.js's
 * LERC decoder leaves them at 0.
 */
async function decodeLerc(bytes: Uint8Array, layout: BlockLayout, expected: number): Promise<Uint8Array> {
  const extra = layout.lercParameters?.[1] ?? 0;
  // A LERC blob is at most a little larger than the raw samples (its header, a mask, per-block headers).
  const largestBlob = 2 * expected + 65_536;
  let blob: Uint8Array;
  if (extra === 0) blob = bytes;
  else if (extra === 1) blob = inflate(bytes, largestBlob, false);
  else if (extra === 2) blob = await decodeZstd(bytes, largestBlob, null);
  else throw new Error(`unsupported LERC additional compression ${extra}`);
  checkLercHeader(blob, layout);
  const buffer = blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength ? blob.buffer : new Uint8Array(blob).buffer;
  let result: ReturnType<typeof Lerc.decode>;
  try {
    result = Lerc.decode(buffer as ArrayBuffer, { returnPixelInterleavedDims: layout.planar === 1 });
  } catch (err) {
    throw new Error(`LERC data is damaged (${err instanceof Error ? err.message : String(err)})`); // the decoder throws strings
  }
  const pixels = result.pixels[0] as unknown as Float32Array;
  if (layout.floating && result.mask) {
    const { mask } = result;
    const n = layout.samples;
    for (let p = 0; p < mask.length; p++) if (!mask[p]) pixels.fill(NaN, p * n, p * n + n);
  }
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
}

/**
 * Debian's libdeflate through the addon environment/native.mjs builds (src/geotiff/inflate.c), about
 * 1.3× Node's zlib on float tiles, or null without it (or with PERMAFROST_LIBDEFLATE=0). It answers
 * only streams it decodes whole; zlib takes the others (cut short, damaged) as it always did.
 */
const libdeflate = ((): ((bytes: Uint8Array, limit: number) => Uint8Array | null) | null => {
  if (process.env.PERMAFROST_LIBDEFLATE === '0') return null;
  const require = createRequire(import.meta.url);
  for (const url of compiledCandidates('geotiff', import.meta.url, 'inflate.node')) {
    try { return (require(fileURLToPath(url)) as { inflate: (bytes: Uint8Array, limit: number) => Uint8Array | null }).inflate; } catch { /* not built here */ }
  }
  return null;
})();

/** Whether DEFLATE goes through libdeflate (the addon) or Node's zlib: for `check` and the bench. */
export const INFLATER: 'libdeflate' | 'zlib' = libdeflate ? 'libdeflate' : 'zlib';

/**
 * zlib inflate into at most `limit` bytes (a stream that would write more is damaged); when the
 * size is exact, one output chunk of that size (12 % faster than 16 KiB chunks).
 */
function inflate(bytes: Uint8Array, limit: number, exact = true): Uint8Array {
  const decoded = libdeflate?.(bytes, Math.max(limit, 64));
  if (decoded) return decoded;
  const options = { ...(exact && limit >= 1024 ? { chunkSize: limit } : {}), maxOutputLength: Math.max(limit, 64) };
  try {
    return inflateSync(bytes, options);
  } catch (err) {
    // A stream cut short but holding all the data: take what it has.
    try { return inflateSync(bytes, { ...options, finishFlush: 2 }); } catch { /* report the first error */ }
    throw new Error(/output length/i.test((err as Error).message) ? `DEFLATE data decodes to more than the ${limit} bytes a block holds`
      : `DEFLATE data is damaged (${(err as Error).message})`);
  }
}

const zstd = new ZSTDDecoder();
let zstdReady: Promise<void> | undefined;

/**
 * ZSTD frames, decoded in one call into a buffer of at most `limit` bytes (the one-shot decoder
 * stops with an error where a frame would write more). The frame header's content size, when
 * given, is checked first; with `exact`, the frames must hold exactly that many bytes. (zstddec's
 * own path for frames without a size loops forever on a damaged frame, growing its output.)
 */
async function decodeZstd(bytes: Uint8Array, limit: number, exact: number | null): Promise<Uint8Array> {
  await (zstdReady ??= zstd.init());
  const size = zstdContentSize(bytes);
  if (size !== null && (size > limit || (exact !== null && size !== exact))) {
    throw new Error(`ZSTD frame claims ${size} bytes, ${exact !== null ? 'expected' : 'at most'} ${exact ?? limit}`);
  }
  const capacity = size ?? exact ?? limit;
  const out = zstd.decode(bytes, capacity);
  if ((exact !== null && out.byteLength !== exact) || (size !== null && out.byteLength !== size) || out.byteLength === 0 || out.byteLength > capacity) {
    throw new Error(`ZSTD data is damaged (decoded ${out.byteLength} bytes${exact !== null ? ` of ${exact}` : ''})`);
  }
  return out;
}

/** The Frame_Content_Size of the first ZSTD frame (RFC 8878 §3.1.1.1), or null when absent. */
export function zstdContentSize(b: Uint8Array): number | null {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) throw new Error('not a ZSTD frame (bad magic number)');
  const descriptor = b[4];
  const fcsFlag = descriptor >> 6;
  const single = (descriptor >> 5) & 1;
  const dictFlag = descriptor & 3;
  if (descriptor & 0x08) throw new Error('ZSTD frame header has its reserved bit set');
  let at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][dictFlag];
  const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0) return null;
  if (at + fcsBytes > b.length) throw new Error('ZSTD frame header is cut short');
  let v = 0;
  for (let k = fcsBytes - 1; k >= 0; k--) v = v * 256 + b[at + k];
  if (fcsBytes === 2) v += 256;
  return v;
}

/** The LERC2 header must describe this block (its size, bands, a sane micro-block) before the decoder allocates. */
function checkLercHeader(blob: Uint8Array, layout: BlockLayout): void {
  const magic = String.fromCharCode(...blob.subarray(0, 6));
  if (blob.length < 14 + 8 + 40 || magic !== 'Lerc2 ') throw new Error(`not a LERC2 blob (starts ${JSON.stringify(magic)})`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const version = view.getInt32(6, true);
  if (version < 1 || version > 6) throw new Error(`LERC2 version ${version} is not one this reader knows`);
  let at = 10 + (version >= 3 ? 4 : 0);
  const rows = view.getUint32(at, true), cols = view.getUint32(at + 4, true);
  at += 8;
  const dims = version >= 4 ? view.getUint32(at, true) : 1;
  at += version >= 4 ? 4 : 0;
  const valid = view.getUint32(at, true), micro = view.getInt32(at + 4, true), blobSize = view.getInt32(at + 8, true);
  if (rows !== layout.rows || cols !== layout.width) throw new Error(`LERC2 blob is ${cols} × ${rows} pixels, the block ${layout.width} × ${layout.rows}`);
  if (dims !== 1 && dims !== layout.samples) throw new Error(`LERC2 blob has ${dims} values per pixel, the block ${layout.samples}`);
  if (valid > rows * cols) throw new Error(`LERC2 blob claims ${valid} valid pixels in ${rows * cols}`);
  if (!(micro >= 1 && micro <= 256)) throw new Error(`LERC2 micro-block size ${micro}`);
  if (!(blobSize >= 14 && blobSize <= blob.length)) throw new Error(`LERC2 blob claims ${blobSize} bytes, has ${blob.length}`);
}

/** PackBits (Apple's run-length code), written into a buffer of the block's decoded size. */
export function decodePackBits(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0, o = 0;
  while (i < input.length && o < expected) {
    const n = input[i++];
    if (n < 128) {
      const count = n + 1;
      if (i + count > input.length) throw new Error('PackBits data is cut short');
      if (o + count > expected) throw new Error(`PackBits data decodes to more than the ${expected} bytes a block holds`);
      out.set(input.subarray(i, i + count), o);
      i += count; o += count;
    } else if (n > 128) {
      const count = 257 - n;
      if (i >= input.length) throw new Error('PackBits data is cut short');
      if (o + count > expected) throw new Error(`PackBits data decodes to more than the ${expected} bytes a block holds`);
      out.fill(input[i++], o, o + count);
      o += count;
    }
  }
  if (o < expected) throw new Error(`decompressed to ${o} bytes, expected ${expected}`);
  return out;
}

/**
 * A JPEG block decoded by libjpeg-turbo, as GDAL decodes it, its frame placed in the block's
 * `width × rows` (a strip's frame may be shorter than the strip); null for what it cannot decode.
 */
async function jpegBlock(bytes: Uint8Array, layout: BlockLayout): Promise<Uint8Array | null> {
  checkJpeg(bytes, layout);
  if (layout.bytesPerSample !== 1) return null;
  const decoded = await decodeJpeg(bytes, layout.jpegTables, layout.photometric === 6 && !layout.raw);
  if (!decoded) return null;
  if (decoded.samples !== layout.samples) throw new Error(`JPEG data has ${decoded.samples} components, the block ${layout.samples} samples per pixel`);
  return placeFrame(decoded, layout);
}

/** A decoded image (JPEG frame, WebP picture) as the block's `width × rows` pixels: a strip's image may be shorter. */
function placeFrame(decoded: { width: number; height: number; pixels: Uint8Array }, layout: BlockLayout): Uint8Array {
  if (decoded.width === layout.width && decoded.height === layout.rows) return decoded.pixels;
  if (decoded.width > layout.width || decoded.height > layout.rows) throw new Error(`the image is ${decoded.width} × ${decoded.height}, the block ${layout.width} × ${layout.rows}`);
  const out = new Uint8Array(layout.width * layout.rows * layout.samples);
  const rowBytes = decoded.width * layout.samples;
  for (let y = 0; y < decoded.height; y++) out.set(decoded.pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * layout.width * layout.samples);
  return out;
}

/** A JPEG block's frame header (SOF) must not be larger than the block. */
function checkJpeg(b: Uint8Array, layout: BlockLayout): void {
  for (let i = 2; i + 9 < b.length;) {
    if (b[i] !== 0xff) { i++; continue; }
    const marker = b[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = (b[i + 5] << 8) | b[i + 6], width = (b[i + 7] << 8) | b[i + 8];
      if (width > layout.width || height > layout.rows) throw new Error(`JPEG frame is ${width} × ${height}, the block ${layout.width} × ${layout.rows}`);
      return;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
}

/** Reverses the byte order of every `size`-byte sample, in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]; bytes[a] = bytes[b]; bytes[b] = t;
    }
  }
}
