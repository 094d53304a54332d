import { FormatError, InputError, invalid } from '../errors.js';
import type { TypedArray } from './metadata.js';
import type { ByteSource } from './source.js';
import type { Image, Window } from './types.js';

export function checkWindow(w: Window, image: Image, name: string): void {
  const ok = w && [w.x, w.y, w.width, w.height].every(Number.isInteger) && w.x >= 0 && w.y >= 0 && w.width >= 1 && w.height >= 1 &&
    w.x + w.width <= image.width && w.y + w.height <= image.height;
  if (!ok) {
    throw new InputError(invalid('window', JSON.stringify(w), `whole pixels inside the ${image.width} × ${image.height} image: x + width ≤ ${image.width}, y + height ≤ ${image.height}`), name);
  }
}

/** Copies the part of one decoded block that falls in the window into the output arrays. */
export function copyBlock(image: Image, data: TypedArray | null, job: { bx: number; by: number; slot: number }, window: Window,
  bands: number[], out: TypedArray[], fill: number): void {
  const x0 = Math.max(window.x, job.bx * image.blockWidth);
  const x1 = Math.min(window.x + window.width, (job.bx + 1) * image.blockWidth, image.width);
  const y0 = Math.max(window.y, job.by * image.blockHeight);
  const y1 = Math.min(window.y + window.height, (job.by + 1) * image.blockHeight, image.height);
  const targets = job.slot >= 0 ? [job.slot] : bands.map((_, i) => i);
  for (const slot of targets) {
    const target = out[slot];
    for (let y = y0; y < y1; y++) {
      const dst = (y - window.y) * window.width + (x0 - window.x);
      if (!data) { target.fill(fill, dst, dst + (x1 - x0)); continue; }
      const rowInBlock = y - job.by * image.blockHeight;
      if (job.slot >= 0 || image.samples === 1) {
        const src = rowInBlock * image.blockWidth + (x0 - job.bx * image.blockWidth);
        target.set(data.subarray(src, src + (x1 - x0)), dst);
      } else {
        const band = bands[slot];
        let src = (rowInBlock * image.blockWidth + (x0 - job.bx * image.blockWidth)) * image.samples + band;
        for (let i = 0; i < x1 - x0; i++, src += image.samples) target[dst + i] = data[src];
      }
    }
  }
}

/** Least-recently-used decoded blocks, bounded in bytes. */
export class BlockCache {
  private map = new Map<string, TypedArray>();
  private bytes = 0;
  constructor(private limit: number) {}
  get(key: string): TypedArray | undefined {
    const v = this.map.get(key);
    if (v) { this.map.delete(key); this.map.set(key, v); }
    return v;
  }
  set(key: string, value: TypedArray): void {
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
