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

/** The image as stored, for raw reads: colours not converted (the same image when there is nothing to convert). */
export function storedView(image: Image, raw: boolean): Image {
  if (!raw || (!image.colour && !(image.photometric === 6 && image.compression === 7))) return image;
  return { ...image, samples: image.storedSamples, colour: image.colour && { ...image.colour, raw: true }, raw: true, key: `${image.key}raw` };
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

/**
 * Strip or tile byte counts recovered where libtiff, and so GDAL, recovers them, and where they
 * are missing or short, with a notice saying which and what GDAL does (null when nothing was
 * recovered): byte counts that are missing (libtiff estimates them for one strip per plane and
 * refuses other files) or list fewer blocks than the image has (GDAL reads the others as empty);
 * the one strip of an uncompressed image counted 0, past the end of the file or short of the
 * image; uncompressed strips whose first two counts differ (a vendor's wrong array). Uncompressed
 * blocks are then counted at their full size, as libtiff counts them, compressed ones as running
 * to the next block (or the end of the file), where their decoder stops.
 */
export function recoverByteCounts(o: {
  offsets: ArrayLike<number | bigint> | undefined; counts: ArrayLike<number | bigint> | undefined; expected: number;
  /** Blocks across and down, for messages. */
  across: number; down: number; compressed: boolean; tiled: boolean;
  /** Stored bytes of a full block (uncompressed). */
  blockBytes: number;
  /** Planes: samples per pixel when planar, else 1. */
  planes: number;
  fileSize: number; where: string;
}, file: string): { offsets: ArrayLike<number>; counts: ArrayLike<number>; notice: string | null } {
  const { expected, compressed, tiled, blockBytes, fileSize } = o;
  const offsetsTag = tiled ? 'TileOffsets' : 'StripOffsets';
  if (!o.offsets) throw new FormatError(`${o.where} has no ${offsetsTag}: where its ${tiled ? 'tiles' : 'strips'} are is unknown`, file);
  if (o.offsets.length < expected) {
    throw new FormatError(`${o.where} lists ${o.offsets.length} ${tiled ? 'tiles' : 'strips'} in ${offsetsTag}, expected ${expected} (${o.across} × ${o.down}${o.planes > 1 ? ` × ${o.planes} bands` : ''})`, file);
  }
  const offsets = Float64Array.from(o.offsets as ArrayLike<number>, Number);
  const counts = o.counts && Float64Array.from(o.counts as ArrayLike<number>, Number);
  const tag = tiled ? 'TileByteCounts' : 'StripByteCounts';
  const blocks = tiled ? 'tiles' : 'strips';
  let why: string | null = null;
  let gdal = 'as GDAL (libtiff) recovers them';
  if (!counts) {
    why = `${tag} is missing`;
    if (tiled || expected !== o.planes) gdal = 'where GDAL refuses the file (libtiff: missing required field)';
  } else if (counts.length < expected) {
    why = `${tag} lists ${counts.length} ${blocks} of ${expected}`;
    gdal = 'where GDAL reads the unlisted ones as empty';
  } else if (!compressed && !tiled && expected === 1 && offsets[0] !== 0 && (counts[0] === 0 || counts[0] > fileSize - offsets[0] || counts[0] < blockBytes)) {
    why = `${tag} gives the one uncompressed strip ${counts[0]} bytes, where it holds ${blockBytes}`;
  } else if (!compressed && !tiled && expected > 1 && counts[0] !== counts[1] && counts[0] !== 0 && counts[1] !== 0 && counts[0] !== blockBytes) {
    why = `${tag} gives uncompressed strips of different sizes (${counts[0]}, ${counts[1]} bytes), where each holds ${blockBytes}`;
  }
  if (!why) return { offsets, counts: counts!, notice: null };
  const sorted = Array.from(offsets).filter((v) => v > 0).sort((a, b) => a - b);
  const recovered = Float64Array.from({ length: expected }, (_, i) => {
    const at = offsets[i];
    if (!at) return 0;
    if (counts && i < counts.length && counts.length < expected) return counts[i];
    if (!compressed) return Math.max(0, Math.min(blockBytes, fileSize - at));
    const next = sorted.find((v) => v > at) ?? fileSize;
    return Math.max(0, Math.min(next, fileSize) - at);
  });
  return { offsets, counts: recovered, notice: `${o.where}: ${why}; counted ${compressed ? 'from the block offsets and the file size' : `as ${blockBytes} bytes a block`}, ${gdal}` };
}
