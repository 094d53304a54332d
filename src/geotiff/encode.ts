// Encoding one tile for writing: the predictor, then DEFLATE. Runs on the file layer's worker
// threads (decodeWorker.ts) while the writer cuts the next tiles, or here when workers are missing.
import { deflateSync } from 'node:zlib';
import { InputError, invalid } from '../errors.js';

/** How to encode a tile: `size` × `size` samples of `bps` bytes. */
export interface TileEncoding { size: number; bps: number; predictor: number; compression: 'deflate' | 'none'; level: number }

/** The stored bytes of one tile (the tile's own buffer may be used for the predictor). */
export function encodeTile(tile: Uint8Array, e: TileEncoding): Uint8Array {
  let bytes = tile;
  if (e.predictor === 2) bytes = differenceHorizontally(tile, e.size, e.bps);
  else if (e.predictor === 3) bytes = floatPredict(tile, e.size, e.bps);
  if (e.compression === 'none') return bytes === tile ? bytes : bytes.slice();
  return deflateSync(bytes, { level: e.level });
}

/** Predictor 2, in the samples' own width with wrap-around (undone by decode.ts), in place. */
function differenceHorizontally(bytes: Uint8Array, size: number, bps: number): Uint8Array {
  const { buffer, byteOffset, byteLength } = bytes;
  if (bps === 1) differenceRows8(bytes, size);
  else if (bps === 2) differenceRows16(new Uint16Array(buffer, byteOffset, byteLength / 2), size);
  else if (bps === 4) differenceRows32(new Int32Array(buffer, byteOffset, byteLength / 4), size);
  else throw new InputError(invalid('predictor', 2, 'predictor 2 with 1-, 2- or 4-byte samples'));
  return bytes;
}

function differenceRows8(v: Uint8Array, size: number): void {
  for (let r = 0; r < size; r++) for (let i = r * size + size - 1; i > r * size; i--) v[i] = (v[i] - v[i - 1]) & 0xff;
}

function differenceRows16(v: Uint16Array, size: number): void {
  for (let r = 0; r < size; r++) for (let i = r * size + size - 1; i > r * size; i--) v[i] = (v[i] - v[i - 1]) & 0xffff;
}

function differenceRows32(v: Int32Array, size: number): void {
  for (let r = 0; r < size; r++) for (let i = r * size + size - 1; i > r * size; i--) v[i] = (v[i] - v[i - 1]) | 0;
}

/** Subtracts the four bytes of two words lane by lane, each modulo 256. */
function subLanes(a: number, b: number): number {
  return ((a | 0x80808080) - (b & 0x7f7f7f7f)) ^ ((a ^ ~b) & 0x80808080);
}

// predictor 3 writes into one buffer reused tile after tile (DEFLATE, next, copies it out): a new one
// per tile left hundreds of MB of garbage while a 1 km sample is written
let scratch = new Uint8Array(0);

/**
 * Predictor 3: the bytes of each row split into planes, most significant first, then
 * byte-differenced. Float32 rows of whole words (nearly always) go four samples at a time: their
 * bytes transposed into a word of each plane, the differences taken lane by lane.
 */
function floatPredict(bytes: Uint8Array, size: number, bps: number): Uint8Array {
  if (scratch.byteLength < bytes.byteLength) scratch = new Uint8Array(bytes.byteLength);
  const out = scratch.subarray(0, bytes.byteLength);
  const rowBytes = size * bps;
  if (bps === 4 && size % 4 === 0 && bytes.byteOffset % 4 === 0) {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    const planes = new Int32Array(out.buffer);
    const q = size >> 2; // words per plane of a row
    for (let r = 0; r < size; r++) {
      const base = r * size;
      for (let j = 0; j < q; j++) {
        const i = base + 4 * j;
        const s0 = words[i], s1 = words[i + 1], s2 = words[i + 2], s3 = words[i + 3];
        planes[base + j] = (s0 >>> 24) | ((s1 >>> 24) << 8) | ((s2 >>> 24) << 16) | (s3 & 0xff000000);
        planes[base + q + j] = ((s0 >>> 16) & 0xff) | ((s1 >>> 8) & 0xff00) | (s2 & 0xff0000) | ((s3 << 8) & 0xff000000);
        planes[base + 2 * q + j] = ((s0 >>> 8) & 0xff) | (s1 & 0xff00) | ((s2 << 8) & 0xff0000) | ((s3 << 16) & 0xff000000);
        planes[base + 3 * q + j] = (s0 & 0xff) | ((s1 & 0xff) << 8) | ((s2 & 0xff) << 16) | (s3 << 24);
      }
      // each byte minus the one before it in the row: a word minus itself shifted up a byte, carrying the previous word's top byte
      for (let i = base + size - 1; i > base; i--) planes[i] = subLanes(planes[i], (planes[i] << 8) | (planes[i - 1] >>> 24));
      planes[base] = subLanes(planes[base], planes[base] << 8);
    }
    return out;
  }
  for (let r = 0; r < size; r++) {
    const base = r * rowBytes;
    for (let k = 0; k < size; k++) {
      for (let b = 0; b < bps; b++) out[base + b * size + k] = bytes[base + k * bps + (bps - 1 - b)];
    }
    for (let i = base + rowBytes - 1; i > base; i--) out[i] = (out[i] - out[i - 1]) & 0xff;
  }
  return out;
}
