import { FormatError, InputError, invalid } from '../errors.js';
import type { SampleArray } from './metadata.js';
import type { ByteSource } from './source.js';
import type { Image, Window } from './types.js';

export function checkWindow(w: Window, image: Image, name: string): void {
  const ok = w && [w.x, w.y, w.width, w.height].every(Number.isInteger) && w.x >= 0 && w.y >= 0 && w.width >= 1 && w.height >= 1 &&
    w.x + w.width <= image.width && w.y + w.height <= image.height;
  if (!ok) {
    throw new InputError(invalid('window', JSON.stringify(w), `whole pixels inside the ${image.width} × ${image.height} image: x + width ≤ ${image.width}, y + height ≤ ${image.height}`), name);
  }
}

/**
 * Copies the part of one decoded block that falls in the window into the output arrays; `parts`
 * numbers per sample (2 for complex types, interleaved real and imaginary).
 */
export function copyBlock(image: Image, data: SampleArray | null, job: { bx: number; by: number; slot: number }, window: Window,
  bands: number[], out: SampleArray[], fill: number, parts = 1): void {
  const x0 = Math.max(window.x, job.bx * image.blockWidth);
  const x1 = Math.min(window.x + window.width, (job.bx + 1) * image.blockWidth, image.width);
  const y0 = Math.max(window.y, job.by * image.blockHeight);
  const y1 = Math.min(window.y + window.height, (job.by + 1) * image.blockHeight, image.height);
  const targets = job.slot >= 0 ? [job.slot] : bands.map((_, i) => i);
  const n = (x1 - x0) * parts;
  for (const slot of targets) {
    const target = out[slot] as unknown as { fill(v: unknown, a: number, b: number): void; set(a: ArrayLike<unknown>, at: number): void; [i: number]: unknown };
    const blank = target instanceof BigInt64Array || target instanceof BigUint64Array ? BigInt(Math.trunc(fill)) : fill;
    for (let y = y0; y < y1; y++) {
      const dst = ((y - window.y) * window.width + (x0 - window.x)) * parts;
      if (!data) { target.fill(blank, dst, dst + n); continue; }
      const rowInBlock = y - job.by * image.blockHeight;
      if (job.slot >= 0 || image.samples === 1) {
        const src = (rowInBlock * image.blockWidth + (x0 - job.bx * image.blockWidth)) * parts;
        target.set(data.subarray(src, src + n), dst);
      } else {
        const band = bands[slot];
        const stride = image.samples * parts;
        let src = (rowInBlock * image.blockWidth + (x0 - job.bx * image.blockWidth)) * stride + band * parts;
        for (let i = 0; i < n; i += parts, src += stride) for (let k = 0; k < parts; k++) target[dst + i + k] = data[src + k];
      }
    }
  }
}

/** Least-recently-used decoded blocks, bounded in bytes. */
export class BlockCache {
  private map = new Map<string, SampleArray>();
  private bytes = 0;
  constructor(private limit: number) {}
  get(key: string): SampleArray | undefined {
    const v = this.map.get(key);
    if (v) { this.map.delete(key); this.map.set(key, v); }
    return v;
  }
  set(key: string, value: SampleArray): void {
    if (value.byteLength > this.limit) return;
    this.map.set(key, value);
    this.bytes += value.byteLength;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.limit) break;
      this.map.delete(k);
      this.bytes -= v.byteLength;
    }
  }
}

/** Presents a ByteSource to geotiff.js: slices are clamped to the file, so headers of tiny files parse. */
export function adapt(source: ByteSource) {
  return {
    get fileSize() { return source.size; },
    async fetch(slices: { offset: number; length: number }[]) {
      return Promise.all(slices.map(async ({ offset, length }) => {
        if (offset >= source.size) throw new FormatError(`a directory entry points to byte ${offset}, past the end of the file (${source.size} bytes)`, source.name);
        const bytes = await source.read({ offset, length: Math.min(length, source.size - offset) }, 'TIFF directory');
        return bytes.buffer;
      }));
    },
    async close() {},
  };
}
