// Kernels: what a worker does with the decoded blocks of a task's places (all the bands they
// hold), each returning a partial that merges exactly with the others (moments, grouped summaries,
// window sums, trends). Pure functions of their task: nothing is kept between tasks (buffers are
// reused, always left zeroed), so any worker may run any task, again if need be. The block engine
// (src/engine/pass.ts) plans the tasks, sends them to the pool and merges the partials in place order.
import { decodeBlock, type BlockLayout } from '../geotiff/decode.js';
import { builtModule, samplesOf } from '../geotiff/workerPool.js';
import { storedValue } from '../geotiff/valueTransforms.js';
import { emptyMoments, mergeMoments, type Moments } from './moments.js';
import { trendCells } from './trendKernel.js';
import { groupSlices, sliceBuffers, type GroupSlice } from './groupsKernel.js';
import { blockChange, blockMeans, blockShares, blockValues, type BlockChange, type BlockMeans, type BlockShares, type BlockValues } from './windowKernels.js';
import { weightsFor, type Frozen, type GroupSpec, type Part, type PlaceInput, type StatsSpec } from './kernelSpec.js';

export { partsOf, placeSpec, weightsFor, type Frozen, type GroupSpec, type Part, type PlaceInput, type StatsSpec } from './kernelSpec.js';
export { addSlice, emptyPartial, type GroupPartial, type GroupSlice } from './groupsKernel.js';
export { blockChange, blockMeans, blockShares, blockValues, type BlockChange, type BlockMeans, type BlockShares, type BlockValues } from './windowKernels.js';

/**
 * The moments of several parts (bands) of one decoded block. A pixel-interleaved block holds all
 * bands side by side and is decoded once for all of them; each part is then reduced in its own
 * loop (scalar sums in registers, several times faster than updating arrays per sample). Only the
 * part of the block inside the image counts; sums are shifted by each part's first valid value
 * (close to the block's mean, so the shifted second moment stays accurate).
 */
export function reduceParts(values: ArrayLike<number>, layout: BlockLayout, parts: Part[], s: StatsSpec, weights: Float64Array): Moments[] {
  return parts.map((part) => reducePart(values as Float32Array, layout.width, layout.samples, part.sample, part.scale, part.offset, s.cols, s.rows, s.noData, weights));
}

function reducePart(values: Float32Array, width: number, stride: number, sample: number, scale: number, offset: number,
  cols: number, rows: number, noData: number | null, weights: Float64Array): Moments {
  let W = 0, S = 0, S2 = 0, shift = NaN, min = Infinity, max = -Infinity, n = 0;
  const nd = noData ?? NaN;
  for (let r = 0; r < rows; r++) {
    let at = r * width * stride + sample;
    const wb = r * cols;
    for (let c = 0; c < cols; c++, at += stride) {
      const v = storedValue(values[at], nd, scale, offset);
      if (v !== v) continue;
      if (shift !== shift) shift = v;
      const a = weights[wb + c];
      const d = v - shift;
      W += a; S += a * d; S2 += a * d * d;
      if (v < min) min = v;
      if (v > max) max = v;
      n++;
    }
  }
  if (n === 0) return emptyMoments();
  const meanShifted = S / W;
  return { area_km2: W, mean: shift + meanShifted, m2: Math.max(0, S2 - meanShifted * S), min, max, cells: n };
}

/**
 * The trend kernel: each period's values of the block's cells inside the image (scaled, NaN at
 * nodata; a part with `blob` −1 is a block never written), then each cell's Sen's slope per year
 * and exact Mann–Kendall p.
 */
export function trendBlock(decoded: ArrayLike<number>[], layout: BlockLayout, parts: Part[], stats: StatsSpec, years: number[]): { slope: Float32Array; p: Float32Array } {
  const { cols, rows } = stats;
  const series = parts.map((part) => {
    const out = new Float64Array(cols * rows);
    if (part.blob < 0) return out.fill(NaN);
    const values = decoded[part.blob];
    const nd = stats.noData ?? NaN;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        out[r * cols + c] = storedValue(values[(r * layout.width + c) * layout.samples + part.sample], nd, part.scale, part.offset);
      }
    }
    return out;
  });
  const slope = new Float32Array(cols * rows);
  const p = new Float32Array(cols * rows);
  trendCells(series, years, cols * rows, slope, p);
  return { slope, p };
}

/**
 * The block engine's tasks, named as the kernels are. Every place of a task lists the same parts
 * (bands) in the same order; `moments` and `groups` fold the task's places into one partial per
 * part, in place order, the others answer per place.
 */
export type KernelTask =
  | { kernel: 'moments'; places: PlaceInput[] }
  | { kernel: 'groups'; places: PlaceInput[]; groups: GroupSpec }
  | { kernel: 'means'; places: PlaceInput[]; factor: number }
  | { kernel: 'shares'; places: PlaceInput[]; factor: number; frozen: Frozen }
  | { kernel: 'trend'; places: PlaceInput[]; years: number[] }
  | { kernel: 'values'; places: PlaceInput[] }
  | { kernel: 'change'; places: PlaceInput[]; frozen: Frozen; classes: boolean };

/** What each kernel answers for a task. */
export interface KernelResult {
  moments: Moments[];
  groups: GroupSlice[];
  means: BlockMeans[][];
  shares: BlockShares[][];
  trend: { slope: Float32Array; p: Float32Array }[];
  values: BlockValues[][];
  change: BlockChange[][];
}

/** This module, as the engine's workers load it (the build's copy when running from TypeScript sources). */
export const KERNEL_MODULE: string = (builtModule('stats', import.meta.url, 'kernels.js')
  ?? new URL('./kernels.js', import.meta.url)).href;

/** A place's blocks decoded, as samples of the raster's type; a block that fails names its place and blob. */
async function decodePlace(place: PlaceInput, k: number): Promise<ArrayLike<number>[]> {
  const out: ArrayLike<number>[] = [];
  for (let j = 0; j < place.blobs.length; j++) {
    try {
      out.push(samplesOf(await decodeBlock(place.blobs[j], place.layout), place.layout, place.spec.dataType));
    } catch (err) {
      throw Object.assign(new Error(err instanceof Error ? err.message : String(err)), { at: { place: k, blob: j } });
    }
  }
  return out;
}

/** Runs one task on this thread (a worker calls it): its result, and the buffers to transfer back. */
export async function runTask(task: KernelTask): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  const decoded: ArrayLike<number>[][] = [];
  for (let k = 0; k < task.places.length; k++) decoded.push(await decodePlace(task.places[k], k));
  const places = task.places;
  switch (task.kernel) {
    case 'moments': {
      const parts = places[0]?.parts.length ?? 0;
      const out: Moments[] = Array.from({ length: parts }, emptyMoments);
      places.forEach((place, k) => {
        const weights = weightsFor(place.spec);
        place.parts.forEach((part, j) => {
          if (part.blob < 0) return;
          out[j] = mergeMoments(out[j], reduceParts(decoded[k][part.blob], place.layout, [part], place.spec, weights)[0]);
        });
      });
      return { result: out, transfer: [] };
    }
    case 'groups': {
      const slices = groupSlices(places, decoded, task.groups);
      return { result: slices, transfer: slices.flatMap(sliceBuffers) };
    }
    case 'means': {
      const out = places.map((place, k) => blockMeans(decoded[k], place.layout, place.parts, place.spec, task.factor));
      return { result: out, transfer: out.flat().flatMap((m) => [m.sums.buffer as ArrayBuffer, m.counts.buffer as ArrayBuffer]) };
    }
    case 'shares': {
      const out = places.map((place, k) => blockShares(decoded[k], place.layout, place.parts, place.spec, weightsFor(place.spec), task.factor, task.frozen));
      return { result: out, transfer: out.flat().flatMap((m) => [m.land.buffer as ArrayBuffer, m.permafrost.buffer as ArrayBuffer]) };
    }
    case 'trend': {
      const out = places.map((place, k) => trendBlock(decoded[k], place.layout, place.parts, place.spec, task.years));
      return { result: out, transfer: out.flatMap((t) => [t.slope.buffer as ArrayBuffer, t.p.buffer as ArrayBuffer]) };
    }
    case 'values': {
      const out = places.map((place, k) => blockValues(decoded[k], place.layout, place.parts, place.spec));
      return { result: out, transfer: out.flat().map((b) => b.values.buffer as ArrayBuffer) };
    }
    case 'change': {
      const out = places.map((place, k) => [blockChange(decoded[k], place.layout, place.parts, place.spec, weightsFor(place.spec), task.frozen, task.classes)]);
      return { result: out, transfer: out.flat().flatMap((b) => [b.difference.buffer as ArrayBuffer, ...(b.classes ? [b.classes.buffer as ArrayBuffer] : [])]) };
    }
    default:
      throw new Error(`unknown kernel ${(task as { kernel: string }).kernel}`);
  }
}
