// Kernels: what a worker does with one decoded block (all the bands it holds), each returning a
// partial that merges exactly with the others (stats/moments, summaries, trends). Pure functions
// and per-worker accumulators; the engine (src/engine) schedules them on the worker threads.
import { cellArea, type CellArea, type GridLike } from '../grid/cellArea.js';
import type { BlockLayout } from '../geotiff/decode.js';
import { arrayTypeOf, type DataType } from '../geotiff/metadata.js';
import { emptyMoments, type Moments } from './moments.js';
import { frozenShare } from './frozenShare.js';
import { trendCells } from './trendKernel.js';

/** Where a block lies in its image, and what its cells weigh: for `stats` tasks. */
export interface StatsSpec {
  grid: GridLike;
  dataType: DataType;
  noData: number | null;
  /** First column and row of the block in the image, and how many of its columns and rows are inside the image. */
  col: number;
  row: number;
  cols: number;
  rows: number;
}

/** Grouped accumulation for summaries: each part adds to the worker's accumulator of its `key`. */
export interface GroupSpec {
  /** Group of each cell of the grid (row-major), shared with every worker; null: one group. */
  labels: Uint16Array | null;
  groups: number;
  /** Histogram: lowest value, bin width, bins. */
  lo: number;
  width: number;
  bins: number;
  /**
   * Which values count as permafrost, and how much of a cell's area: 0 none, 1 a value of 1
   * (presence), 2 below 0 (MAGT), 3 a fraction (value × `frozenScale`, clamped to 0–1),
   * 4 classes (`frozenTable[value]`, the share of a class's area that is permafrost).
   */
  frozen: 0 | 1 | 2 | 3 | 4;
  frozenScale?: number;
  frozenTable?: number[];
  /** Weight factor (1 / periods when periods pool). */
  factor: number;
}

/** A worker's partial summary of one key: per group, mergeable. */
export interface GroupPartial {
  w: Float64Array; mean: Float64Array; m2: Float64Array; min: Float64Array; max: Float64Array; cells: Float64Array; pf: Float64Array;
  /** Permafrost counted in cells (share × cells): what counting cells at their nominal size would give. */
  pfCells: Float64Array;
  hist: Float64Array; // groups × bins
}

/**
 * One band taken from a decoded block: which block (`blob`), which sample of each pixel (the band
 * in a pixel-interleaved block, else 0), the value transform (scale, offset) and, when
 * accumulating, the key it adds to.
 */
export interface Part { blob: number; sample: number; scale: number; offset: number; key?: string }

const areas = new Map<string, CellArea>();

let weightBuffer = new Float64Array(0);

/** Cell areas of the block's cells inside the image, row by row (a buffer reused between tasks). */
export function weightsFor(s: StatsSpec): Float64Array {
  const key = JSON.stringify(s.grid);
  let area = areas.get(key);
  if (!area) { area = cellArea(s.grid); areas.set(key, area); }
  const { cols, rows } = s;
  if (weightBuffer.length < cols * rows) weightBuffer = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) area.row(s.row + r, s.col, cols, weightBuffer.subarray(r * cols, (r + 1) * cols));
  return weightBuffer;
}

/** A decoded block as samples of its data type. */
export function samplesOf(decoded: Uint8Array, layout: BlockLayout, dataType: DataType): ArrayLike<number> {
  const Type = arrayTypeOf(dataType);
  const aligned = decoded.byteOffset % layout.bytesPerSample === 0 ? decoded : new Uint8Array(decoded);
  return new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / layout.bytesPerSample);
}

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
      const stored = values[at];
      if (stored !== stored || stored === nd) continue;
      const v = stored * scale + offset;
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

interface Accumulator { groups: number; bins: number; w: Float64Array; s: Float64Array; s2: Float64Array; shift: Float64Array;
  min: Float64Array; max: Float64Array; cells: Float64Array; pf: Float64Array; pfCells: Float64Array; hist: Float64Array }

const accumulators = new Map<string, Accumulator>();

export function accumulate(values: ArrayLike<number>, layout: BlockLayout, part: Part, s: StatsSpec, weights: Float64Array, g: GroupSpec, key: string): void {
  let a = accumulators.get(key);
  if (!a) {
    const n = g.groups;
    a = { groups: n, bins: g.bins, w: new Float64Array(n), s: new Float64Array(n), s2: new Float64Array(n), shift: new Float64Array(n).fill(NaN),
      min: new Float64Array(n).fill(Infinity), max: new Float64Array(n).fill(-Infinity), cells: new Float64Array(n), pf: new Float64Array(n), pfCells: new Float64Array(n),
      hist: new Float64Array(n * g.bins) };
    accumulators.set(key, a);
  }
  const { cols, rows } = s;
  const stride = layout.samples;
  const { sample, scale, offset: valueOffset } = part;
  const noData = s.noData;
  const labels = g.labels;
  const gridWidth = s.grid.width;
  const inv = 1 / g.width;
  const lastBin = g.bins - 1;
  const { w: W, s: S, s2: S2, shift: SH, min: MIN, max: MAX, cells: N, pf: PF, pfCells: PC, hist: H } = a;
  const factor = g.factor;
  const frozen = g.frozen;
  const frozenScale = g.frozenScale ?? 1;
  const table = g.frozenTable ?? [];
  const lo = g.lo;
  const bins = g.bins;
  const offset = 0.5 - lo * inv; // bin = floor(v * inv + offset) rounds (v − lo) / width to the nearest bin
  const top = lastBin + 1;
  // The sums of the group being read are kept in locals and added to the group's arrays when the
  // group changes (regions and bands change rarely along a row): updating the arrays cell by cell
  // made every cell wait for the previous cell's store.
  let cur = -1, w_ = 0, s_ = 0, s2_ = 0, n_ = 0, min_ = Infinity, max_ = -Infinity, pf_ = 0, pc_ = 0, shift = 0;
  for (let r = 0; r < rows; r++) {
    const wb = r * cols;
    const lb = (s.row + r) * gridWidth + s.col;
    let at = r * layout.width * stride + sample;
    for (let c = 0; c < cols; c++, at += stride) {
      const stored = values[at];
      if (stored !== stored || stored === noData) continue;
      const v = stored * scale + valueOffset;
      const grp = labels === null ? 0 : labels[lb + c];
      if (grp !== cur) {
        if (cur >= 0) {
          W[cur] += w_; S[cur] += s_; S2[cur] += s2_; N[cur] += n_; PF[cur] += pf_; PC[cur] += pc_;
          if (min_ < MIN[cur]) MIN[cur] = min_;
          if (max_ > MAX[cur]) MAX[cur] = max_;
        }
        cur = grp; w_ = 0; s_ = 0; s2_ = 0; n_ = 0; min_ = Infinity; max_ = -Infinity; pf_ = 0; pc_ = 0;
        shift = SH[grp];
        if (shift !== shift) shift = SH[grp] = v;
      }
      const w = weights[wb + c] * factor;
      const d = v - shift;
      w_ += w; s_ += w * d; s2_ += w * d * d; n_++;
      if (v < min_) min_ = v;
      if (v > max_) max_ = v;
      if (frozen !== 0) {
        // MAGT below 0 inline (the common case), other codings through frozenShare
        const share = frozen === 2 ? (v < 0 ? 1 : 0) : frozenShare(v, frozen, frozenScale, table);
        pf_ += w * share; pc_ += factor * share;
      }
      // truncation equals floor for x ≥ 0; below 0 and past the end clamp (and a value too large for an int never truncates)
      const x = v * inv + offset;
      const bin = x < 1 ? 0 : x >= top ? lastBin : x | 0;
      H[grp * bins + bin] += w;
    }
  }
  if (cur >= 0) {
    W[cur] += w_; S[cur] += s_; S2[cur] += s2_; N[cur] += n_; PF[cur] += pf_; PC[cur] += pc_;
    if (min_ < MIN[cur]) MIN[cur] = min_;
    if (max_ > MAX[cur]) MAX[cur] = max_;
  }
}

/** Shifted sums to mergeable (mean, M2) per group. */
function finish(a: Accumulator | undefined): GroupPartial | null {
  if (!a) return null;
  const mean = new Float64Array(a.groups);
  const m2 = new Float64Array(a.groups);
  for (let g = 0; g < a.groups; g++) {
    if (a.w[g] === 0) continue;
    const m = a.s[g] / a.w[g];
    mean[g] = a.shift[g] + m;
    m2[g] = Math.max(0, a.s2[g] - m * a.s[g]);
  }
  return { w: a.w, mean, m2, min: a.min, max: a.max, cells: a.cells, pf: a.pf, pfCells: a.pfCells, hist: a.hist };
}

/** Collects (and clears) this worker's accumulators of these keys. */
export function collect(keys: string[]): Record<string, GroupPartial | null> {
  const out: Record<string, GroupPartial | null> = {};
  for (const key of keys) { out[key] = finish(accumulators.get(key)); accumulators.delete(key); }
  return out;
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
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[(r * layout.width + c) * layout.samples + part.sample];
        out[r * cols + c] = v !== v || v === stats.noData ? NaN : v * part.scale + part.offset;
      }
    }
    return out;
  });
  const slope = new Float32Array(cols * rows);
  const p = new Float32Array(cols * rows);
  trendCells(series, years, cols * rows, slope, p);
  return { slope, p };
}

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
    const stride = layout.samples;
    for (let r = 0; r < rows; r++) {
      const base = (Math.floor((row + r) / factor) - r0) * w;
      let at = r * layout.width * stride + part.sample;
      for (let c = 0; c < cols; c++, at += stride) {
        const v = values[at];
        if (v !== v || v === stats.noData) continue;
        const k = base + coarseCol[c];
        sums[k] += v * part.scale + part.offset;
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
    const stride = layout.samples;
    for (let r = 0; r < rows; r++) {
      const base = (Math.floor((row + r) / factor) - r0) * w;
      const wb = r * cols;
      let at = r * layout.width * stride + part.sample;
      for (let c = 0; c < cols; c++, at += stride) {
        const v = values[at];
        if (v !== v || v === stats.noData) continue;
        const a = weights[wb + c];
        const k = base + coarseCol[c];
        land[k] += a;
        permafrost[k] += a * frozenShare(v * part.scale + part.offset, mode, scale, table);
      }
    }
    return { land, permafrost, c0, r0, w, h };
  });
}
