/// <reference path="../virtual.d.ts" />
// node:zlib as the explorer page sees it (environment/explorer.mjs puts this module in its place):
// pako, the inflater geotiff.js already brings into the bundle, with Node's options that the library
// uses: `maxOutputLength` (a damaged stream cannot allocate more), `chunkSize` (one output buffer when
// the size is known) and `finishFlush: 2` (a stream cut short gives what it holds).
import { Deflate, Inflate, gzip, ungzip } from 'pako';
import { Bytes } from './bytes.js';

interface ZlibOptions { maxOutputLength?: number; chunkSize?: number; finishFlush?: number; level?: number }

function inflateWith(bytes: Uint8Array, options: ZlibOptions, raw: boolean): Bytes {
  const max = options.maxOutputLength ?? 2 ** 32;
  const inflater = new Inflate({ chunkSize: options.chunkSize ?? 64 * 1024, raw });
  const chunks: Uint8Array[] = [];
  let total = 0;
  inflater.onData = (chunk: Uint8Array) => {
    total += chunk.length;
    if (total > max) throw new RangeError(`Cannot create a Buffer larger than ${max} bytes: the output length exceeds maxOutputLength`);
    chunks.push(chunk);
  };
  const sync = options.finishFlush === 2;
  inflater.push(bytes, sync ? 2 : true);
  if (inflater.err) throw new Error(inflater.msg || `zlib error ${inflater.err}`);
  if (!sync && !inflater.ended) throw new Error('unexpected end of file');
  if (chunks.length === 1) return Bytes.view(chunks[0]);
  const out = new Bytes(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

export const inflateSync = (bytes: Uint8Array, options: ZlibOptions = {}): Bytes => inflateWith(bytes, options, false);
export const inflateRawSync = (bytes: Uint8Array, options: ZlibOptions = {}): Bytes => inflateWith(bytes, options, true);
export const gunzipSync = (bytes: Uint8Array): Bytes => Bytes.view(ungzip(bytes));
export const gzipSync = (bytes: Uint8Array, options: ZlibOptions = {}): Bytes => Bytes.view(gzip(bytes, { level: (options.level ?? 6) as 6 }));

export function deflateSync(bytes: Uint8Array, options: ZlibOptions = {}): Bytes {
  const deflater = new Deflate({ level: (options.level ?? 6) as 6 });
  deflater.push(bytes, true);
  if (deflater.err) throw new Error(deflater.msg || `zlib error ${deflater.err}`);
  return Bytes.view(deflater.result);
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), continuing from `value`. */
export function crc32(data: Uint8Array | string, value = 0): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let c = ~value >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}
