import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// @types/node 20 leaves WebAssembly to lib.dom, which this package does not load (as in lzw.ts)
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object };

/**
 * LZMA as libtiff writes it: an .xz stream (no check) whose block runs a byte delta filter
 * before LZMA2. Decoded by xz-embedded built to WebAssembly (xz-decompress), which has no delta
 * filter: the filter is taken out of the block header (same size, CRC32 recomputed) and undone
 * here. At most `limit` bytes are decoded: a damaged stream cannot make more.
 * @throws Error naming what is wrong with the stream
 */
export async function decodeLzma(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const { stream, distance } = withoutDelta(bytes);
  const { XzReadableStream } = require('xz-decompress') as { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };
  const reader = new XzReadableStream(new Blob([stream as Uint8Array<ArrayBuffer>]).stream()).getReader();
  const out = new Uint8Array(limit);
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.length > limit) {
        await reader.cancel();
        throw new Error(`LZMA data decodes to more than the ${limit} bytes a block holds`);
      }
      out.set(value, size);
      size += value.length;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(/more than the/.test(message) ? message : `LZMA data is damaged (${message.replace(/get_next_output failed with error code (\d+)/, (_, c) => XZ_ERRORS[c] ?? `xz error ${c}`)})`);
  }
  const result = out.subarray(0, size);
  if (distance) for (let i = distance; i < size; i++) result[i] = (result[i] + result[i - distance]) & 255;
  return result;
}

const XZ_ERRORS: Record<string, string> = { 2: 'unsupported integrity check', 3: 'out of memory', 4: 'dictionary too large', 5: 'not an xz stream', 6: 'unsupported xz options', 7: 'corrupt data', 8: 'truncated data' };

/** The stream with the first block's delta filter taken out, and the delta distance (0 when there was none). */
function withoutDelta(bytes: Uint8Array): { stream: Uint8Array; distance: number } {
  const magic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
  if (bytes.length < 24 || magic.some((m, i) => bytes[i] !== m)) throw new Error('LZMA data is not an xz stream (bad magic bytes)');
  const at = 12;
  const headerSize = (bytes[at] + 1) * 4;
  if (bytes[at] === 0 || at + headerSize > bytes.length) return { stream: bytes, distance: 0 };
  const header = bytes.subarray(at, at + headerSize);
  const flags = header[1];
  let p = 2;
  const varint = () => { let v = 0, shift = 0; for (;;) { const b = header[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; if (!(b & 0x80) || p >= header.length) return v; } };
  if (flags & 0x40) varint();
  if (flags & 0x80) varint();
  const sizesEnd = p;
  const filters: { id: number; props: Uint8Array }[] = [];
  for (let f = 0; f <= (flags & 3); f++) {
    const id = varint();
    const n = varint();
    filters.push({ id, props: header.subarray(p, p + n) });
    p += n;
  }
  if (filters.length < 2 || filters[0].id !== 0x03) return { stream: bytes, distance: 0 };
  const distance = filters[0].props[0] + 1;
  // the same header without the delta filter: flags with one filter fewer, the sizes, the other filters, zero padding, CRC32
  const rebuilt = new Uint8Array(headerSize);
  rebuilt[0] = header[0];
  rebuilt[1] = (flags & ~3) | (filters.length - 2);
  rebuilt.set(header.subarray(2, sizesEnd), 2);
  let q = sizesEnd;
  for (const filter of filters.slice(1)) {
    rebuilt[q++] = filter.id; // LZMA2 (0x21) and the BCJ filters have one-byte ids
    rebuilt[q++] = filter.props.length;
    rebuilt.set(filter.props, q);
    q += filter.props.length;
  }
  new DataView(rebuilt.buffer).setUint32(headerSize - 4, crc32(rebuilt.subarray(0, headerSize - 4)), true);
  const stream = new Uint8Array(bytes);
  stream.set(rebuilt, at);
  return { stream, distance };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), as xz block headers carry it. */
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

let webp: Promise<(buffer: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>> | undefined;

/**
 * WebP as GDAL writes it in TIFF (8-bit RGB or RGBA, lossy or lossless), decoded by libwebp built
 * to WebAssembly (@jsquash/webp), the library GDAL uses; `samples` 3 drops the alpha libwebp gives.
 * @throws Error when the data is not WebP or is damaged
 */
export async function decodeWebp(bytes: Uint8Array, samples: number): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  webp ??= (async () => {
    const folder = dirname(require.resolve('@jsquash/webp/package.json'));
    const module = await import('@jsquash/webp/decode.js') as unknown as { init(m: object): Promise<void>; default: (b: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }> };
    await module.init(new WebAssembly.Module(readFileSync(join(folder, 'codec/dec/webp_dec.wasm'))));
    return module.default;
  })();
  const decode = await webp;
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'RIFF' || String.fromCharCode(...bytes.subarray(8, 12)) !== 'WEBP') throw new Error('not WebP data (no RIFF WEBP header)');
  let image;
  try {
    image = await decode(bytes.slice().buffer);
  } catch (err) {
    throw new Error(`WebP data is damaged (${err instanceof Error ? err.message : String(err)})`);
  }
  const rgba = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  if (samples === 4) return { width: image.width, height: image.height, pixels: rgba };
  const pixels = new Uint8Array(image.width * image.height * samples);
  for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < samples; c++) pixels[p * samples + c] = rgba[p * 4 + c];
  return { width: image.width, height: image.height, pixels };
}
