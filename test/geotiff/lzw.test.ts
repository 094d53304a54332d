import { getDecoder } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { decodeLzw } from '../../src/geotiff/lzw.js';

/**
 * A TIFF LZW encoder (MSB-first codes, Clear first, the width growing one code early as libtiff
 * writes it), to make streams whose content is known. `clearAt`: the table size at which a Clear is
 * written (libtiff: 4094); 4096 lets the table fill and stay full, as some writers do.
 */
function encodeLzw(data: Uint8Array, { clearAt = 4094, endCode = true } = {}): Uint8Array {
  const out: number[] = [];
  let buffer = 0, held = 0, width = 9, next = 258;
  const put = (code: number) => {
    buffer = (buffer << width) | code; held += width;
    while (held >= 8) { held -= 8; out.push((buffer >>> held) & 0xff); }
    buffer &= (1 << held) - 1;
  };
  const child = new Int32Array(4096 * 256).fill(-1); // code × byte -> code
  const reset = () => { child.fill(-1); next = 258; };
  put(256);
  let current = -1;
  for (const byte of data) {
    if (current < 0) { current = byte; continue; }
    const found = child[current * 256 + byte];
    if (found >= 0) { current = found; continue; }
    put(current);
    if (next < 4096) child[current * 256 + byte] = next++;
    if (next > (1 << width) - 1 && width < 12) width++;
    if (next >= clearAt && clearAt < 4096) { put(256); reset(); width = 9; }
    current = byte;
  }
  if (current >= 0) { put(current); if (next < 4096) next++; if (next > (1 << width) - 1 && width < 12) width++; }
  if (endCode) put(257);
  if (held > 0) out.push((buffer << (8 - held)) & 0xff);
  return Uint8Array.from(out);
}

/** Bytes that exercise every path: runs longer than a copy word, repeats, noise, the KwKwK pattern. */
function mixed(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  let s = seed;
  const rand = () => ((s = (s * 1_103_515_245 + 12_345) >>> 0) >>> 16) / 65_536;
  for (let i = 0; i < n;) {
    const kind = rand();
    const len = 1 + Math.floor(rand() * 200);
    for (let k = 0; k < len && i < n; k++, i++) {
      a[i] = kind < 0.3 ? 7 : kind < 0.6 ? Math.floor(rand() * 256) : kind < 0.8 ? (i >> 3) & 0xff : k % 3;
    }
  }
  return a;
}

const geotiffLzw = async (stream: Uint8Array) =>
  new Uint8Array(await (await getDecoder(5 as never, {} as never) as { decodeBlock(b: ArrayBuffer): Promise<ArrayBuffer> })
    .decodeBlock(stream.slice().buffer));

describe('LZW decoding (WebAssembly)', () => {
  it('gives back what was encoded, as geotiff.js decodes the same streams', async () => {
    for (const [n, seed] of [[1, 1], [9, 2], [4_000, 3], [65_536, 4], [300_000, 5]]) {
      const data = mixed(n, seed);
      for (const options of [{}, { clearAt: 4096 }, { endCode: false }]) {
        const stream = encodeLzw(data, options);
        const ours = decodeLzw(stream, n);
        expect(Buffer.compare(ours, data), `${n} bytes ${JSON.stringify(options)}`).toBe(0);
        // geotiff.js as a second decoder, on libtiff's kind of stream only: it grows its output until the
        // process aborts on a stream without an end code or whose table fills without a Clear
        if (Object.keys(options).length === 0) expect(Buffer.compare(await geotiffLzw(stream), data)).toBe(0);
      }
    }
  });

  it('decodes the KwKwK code (a string followed by itself) and runs of one byte', () => {
    for (const data of [new Uint8Array(10_000).fill(200), Uint8Array.from('abababababababab', (c) => c.charCodeAt(0))]) {
      expect(Buffer.compare(decodeLzw(encodeLzw(data), data.length), data)).toBe(0);
    }
  });

  it('writes no more than the block holds when the stream holds more, and names a stream that ends early', () => {
    const data = mixed(50_000, 9);
    const stream = encodeLzw(data);
    expect(Buffer.compare(decodeLzw(stream, 30_001), data.subarray(0, 30_001))).toBe(0);
    expect(() => decodeLzw(stream, 50_010)).toThrow('decompressed to 50000 bytes, expected 50010');
    expect(() => decodeLzw(stream.subarray(0, stream.length >> 1), 50_000)).toThrow(/decompressed to \d+ bytes, expected 50000/);
  });

  it('names the code at fault in a damaged stream', () => {
    // Clear, then 300 (a string code before any string) / Clear, 65, then 400 (not yet defined); 9-bit codes
    const pack = (codes: number[]) => {
      const bits = codes.map((c) => c.toString(2).padStart(9, '0')).join('').padEnd(Math.ceil(codes.length * 9 / 8) * 8, '0');
      return Uint8Array.from(bits.match(/.{8}/g)!, (b) => parseInt(b, 2));
    };
    expect(() => decodeLzw(pack([256, 300, 257]), 10)).toThrow('LZW data is damaged (code 300 after a clear code)');
    expect(() => decodeLzw(pack([256, 65, 400, 257]), 10)).toThrow('LZW data is damaged (code 400 before it was defined)');
  });

  it('decodes a block larger than the reused memory (72 MiB) in memory of its own, then small ones again', () => {
    const n = 72 * 1024 * 1024;
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i += 4096) data[i] = (i >> 12) & 0xff;
    const ours = decodeLzw(encodeLzw(data), n);
    expect(ours.length).toBe(n);
    expect(Buffer.compare(ours, data)).toBe(0);
    const small = mixed(1_000, 11);
    expect(Buffer.compare(decodeLzw(encodeLzw(small), 1_000), small)).toBe(0);
  });
});
