// Window kernels for maps and zones: a block's sums over the coarse windows it touches.
import type { BlockLayout } from '../geotiff/decode.js';
import { storedValue } from '../geotiff/valueTransforms.js';
import { frozenShare } from './frozenShare.js';
import type { GroupSpec, Part, StatsSpec } from './kernelSpec.js';

/** The coarse cells (`factor` × `factor` grid cells) a block touches: the first, how many across and down, and each column's. */
function coarseCells(stats: StatsSpec, factor: number): { c0: number; r0: number; w: number; h: number; coarseCol: Int32Array } {
  const { cols, rows, col, row } = stats;
  const c0 = Math.floor(col / factor), r0 = Math.floor(row / factor);
  const w = Math.floor((col + cols - 1) / factor) - c0 + 1, h = Math.floor((row + rows - 1) / factor) - r0 + 1;
  const coarseCol = new Int32Array(cols);
  for (let c = 0; c < cols; c++) coarseCol[c] = Math.floor((col + c) / factor) - c0;
  return { c0, r0, w, h, coarseCol };
}

/** Sums and counts of one band's values over the coarse cells (`factor` × `factor` grid cells) a block touches. */
export interface BlockMeans { sums: Float64Array; counts: Float64Array; c0: number; r0: number; w: number; h: number }

/**
 * Block means for maps: each part's values (scaled, no data skipped) summed into the coarse cells
 * of a grid reduced `factor` times, over the coarse cells this block touches; the caller adds the
 * blocks up and divides.
 */
export function blockMeans(decoded: ArrayLike<number>[], layout: BlockLayout, parts: Part[], stats: StatsSpec, factor: number): BlockMeans[] {
  const { cols, rows, row } = stats;
  const { c0, r0, w, h, coarseCol } = coarseCells(stats, factor);
  return parts.map((part) => {
    const sums = new Float64Array(w * h), counts = new Float64Array(w * h);
    if (part.blob < 0) return { sums, counts, c0, r0, w, h };
    const values = decoded[part.blob];
    const stride = layout.samples, nd = stats.noData ?? NaN;
    for (let r = 0; r < rows; r++) {
      const base = (Math.floor((row + r) / factor) - r0) * w;
      let at = r * layout.width * stride + part.sample;
      for (let c = 0; c < cols; c++, at += stride) {
        const v = storedValue(values[at], nd, part.scale, part.offset);
        if (v !== v) continue;
        const k = base + coarseCol[c];
        sums[k] += v;
        counts[k]++;
      }
    }
    return { sums, counts, c0, r0, w, h };
  });
}

/** Land area and permafrost area (km²) of one band over the coarse windows (`factor` × `factor` cells) a block touches. */
export interface BlockShares { land: Float64Array; permafrost: Float64Array; c0: number; r0: number; w: number; h: number }

/**
 * Zone windows: each part's cell areas (cells with data) and permafrost areas (area × the cell's
 * permafrost share, by the coding of `frozen` as in `GroupSpec`) summed into the windows of a grid
 * reduced `factor` times, over the windows this block touches; the caller adds the blocks up.
 */
export function blockShares(decoded: ArrayLike<number>[], layout: BlockLayout, parts: Part[], stats: StatsSpec, weights: Float64Array, factor: number,
  frozen: Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>): BlockShares[] {
  const { cols, rows, row } = stats;
  const { c0, r0, w, h, coarseCol } = coarseCells(stats, factor);
  const mode = frozen.frozen, scale = frozen.frozenScale ?? 1, table = frozen.frozenTable ?? [];
  return parts.map((part) => {
    const land = new Float64Array(w * h), permafrost = new Float64Array(w * h);
    if (part.blob < 0) return { land, permafrost, c0, r0, w, h };
    const values = decoded[part.blob];
    const stride = layout.samples, nd = stats.noData ?? NaN;
    for (let r = 0; r < rows; r++) {
      const base = (Math.floor((row + r) / factor) - r0) * w;
      const wb = r * cols;
      let at = r * layout.width * stride + part.sample;
      for (let c = 0; c < cols; c++, at += stride) {
        const v = storedValue(values[at], nd, part.scale, part.offset);
        if (v !== v) continue;
        const a = weights[wb + c];
        const k = base + coarseCol[c];
        land[k] += a;
        permafrost[k] += a * frozenShare(v, mode, scale, table);
      }
    }
    return { land, permafrost, c0, r0, w, h };
  });
}

/** One band's values over a block's cells inside the image: `cols` × `rows`, scaled, NaN where there is no data. */
export interface BlockValues { values: Float32Array; col: number; row: number; cols: number; rows: number }

/**
 * The values kernel, for verbs that need every cell (differences, zones, full-resolution maps):
 * each part's values of the block's cells inside the image, as the stored values × scale + offset,
 * NaN at no data and where the block was never written (`blob` −1).
 */
export function blockValues(decoded: ArrayLike<number>[], layout: BlockLayout, parts: Part[], stats: StatsSpec): BlockValues[] {
  const { cols, rows, col, row } = stats;
  return parts.map((part) => {
    const out = new Float32Array(cols * rows);
    if (part.blob < 0) return { values: out.fill(NaN), col, row, cols, rows };
    const values = decoded[part.blob];
    const stride = layout.samples, nd = stats.noData ?? NaN;
    for (let r = 0; r < rows; r++) {
      let at = r * layout.width * stride + part.sample;
      const o = r * cols;
      for (let c = 0; c < cols; c++, at += stride) out[o + c] = storedValue(values[at], nd, part.scale, part.offset);
    }
    return { values: out, col, row, cols, rows };
  });
}

/** One block's change between two bands (parts `[from, to]`): `to − from` per cell, and its area-weighted sums. */
export interface BlockChange {
  difference: Float32Array;
  /** For permafrost: 1 never permafrost, 2 kept, 3 lost, 4 gained, 0 no data (a cell is permafrost where its share is at least half). */
  classes: Uint8Array | null;
  /** Area (km²) valid in both, the area-weighted sum of the differences, the permafrost area lost and gained. */
  area_km2: number; sum: number; lost_km2: number; gained_km2: number;
  col: number; row: number; cols: number; rows: number;
}

/**
 * The change kernel: per cell `to − from` (each value scaled and rounded to float32, as a read gives
 * it; NaN where either has no data), with the block's area, area-weighted sum of differences and,
 * when `frozen` says how, the permafrost area lost and gained (the change of each cell's share).
 */
export function blockChange(decoded: ArrayLike<number>[], layout: BlockLayout, parts: Part[], stats: StatsSpec, weights: Float64Array,
  frozen: Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>, classes: boolean): BlockChange {
  const { cols, rows, col, row } = stats, nd = stats.noData ?? NaN;
  const [from, to] = parts;
  const difference = new Float32Array(cols * rows);
  const cls = classes ? new Uint8Array(cols * rows) : null;
  const mode = frozen.frozen, scale = frozen.frozenScale ?? 1, table = frozen.frozenTable ?? [];
  const va = from.blob < 0 ? null : decoded[from.blob], vb = to.blob < 0 ? null : decoded[to.blob];
  const stride = layout.samples;
  let w = 0, sum = 0, lost = 0, gained = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * layout.width * stride;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const sa = va ? va[base + c * stride + from.sample] : NaN, sb = vb ? vb[base + c * stride + to.sample] : NaN;
      const a = Math.fround(storedValue(sa, nd, from.scale, from.offset));
      const b = Math.fround(storedValue(sb, nd, to.scale, to.offset));
      const d = b - a;
      difference[i] = d;
      if (d !== d) continue;
      const area = weights[i];
      w += area;
      sum += area * d;
      if (mode !== 0) {
        const fa = frozenShare(a, mode, scale, table), fb = frozenShare(b, mode, scale, table);
        if (cls) cls[i] = fa >= 0.5 ? (fb >= 0.5 ? 2 : 3) : (fb >= 0.5 ? 4 : 1);
        const ds = fb - fa;
        if (ds < 0) lost -= area * ds;
        else if (ds > 0) gained += area * ds;
      }
    }
  }
  return { difference, classes: cls, area_km2: w, sum, lost_km2: lost, gained_km2: gained, col, row, cols, rows };
}
