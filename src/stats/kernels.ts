// Kernels: what a worker does with the decoded blocks of a task's places (all the bands they
// hold), each returning a partial that merges exactly with the others (moments, grouped summaries,
// window sums, trends). Pure functions of their task: nothing is kept between tasks (buffers are
// reused, always left zeroed), so any worker may run any task, again if need be. The block engine
// (src/engine/pass.ts) plans the tasks, sends them to the pool and merges the partials in place order.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cellArea, type CellArea, type GridLike } from '../grid/cellArea.js';
import { decodeBlock, type BlockLayout } from '../geotiff/decode.js';
import { type DataType } from '../geotiff/metadata.js';
import type { BlockJob, RasterInternals } from '../geotiff/openRaster.js';
import type { Place } from '../engine/pass.js';
import { samplesOf, workerCandidates } from '../geotiff/workerPool.js';
import { chan, emptyMoments, mergeMoments, type Moments } from './moments.js';
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

/** Grouped accumulation for summaries: moments, permafrost area and a histogram per group of cells. */
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

/**
 * One band taken from a decoded block: which block (`blob`), which sample of each pixel (the band
 * in a pixel-interleaved block, else 0) and the value transform (scale, offset); `blob` −1 is a block never written (all no data).
  */
export interface Part { blob: number; sample: number; scale: number; offset: number }

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

/** A task's summary of one part: the groups it touched, their moments and sums, and the histogram bins each touched. */
export interface GroupSlice {
  /** The groups with cells, ascending; the arrays below hold one entry per group listed. */
  groups: Int32Array;
  w: Float64Array; mean: Float64Array; m2: Float64Array; min: Float64Array; max: Float64Array; cells: Float64Array; pf: Float64Array; pfCells: Float64Array;
  /** Each group's first bin and number of bins; `hist` holds their weights one group after the other. */
  histFirst: Int32Array; histCount: Int32Array; hist: Float64Array;
}

/** The histogram bins of a task's part, reused from task to task and left zeroed. */
let histScratch = new Float64Array(0);

function newAccumulator(g: GroupSpec): Accumulator {
  const n = g.groups;
  const size = n * g.bins;
  if (histScratch.length < size) histScratch = new Float64Array(size);
  return { groups: n, bins: g.bins, w: new Float64Array(n), s: new Float64Array(n), s2: new Float64Array(n), shift: new Float64Array(n).fill(NaN),
    min: new Float64Array(n).fill(Infinity), max: new Float64Array(n).fill(-Infinity), cells: new Float64Array(n), pf: new Float64Array(n), pfCells: new Float64Array(n),
    hist: histScratch.subarray(0, size) };
}

/** Adds one band of one decoded block (`part`) to an accumulator: moments, permafrost area and histogram by group. */
function accumulate(values: ArrayLike<number>, layout: BlockLayout, part: Part, s: StatsSpec, weights: Float64Array, g: GroupSpec, a: Accumulator): void {
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

/** The histogram bin of a value, as `accumulate` counts it. */
function binOf(v: number, g: GroupSpec): number {
  const inv = 1 / g.width;
  const x = v * inv + (0.5 - g.lo * inv);
  return x < 1 ? 0 : x >= g.bins ? g.bins - 1 : x | 0;
}

/**
 * The groups an accumulator touched, as mergeable moments (mean, M2 from the shifted sums) and
 * sums, with each group's bins between those of its smallest and largest value (every value of the
 * group falls there); those bins of the shared histogram are zeroed for the next part.
 */
function sliceOf(a: Accumulator, g: GroupSpec): GroupSlice {
  const touched: number[] = [];
  for (let k = 0; k < a.groups; k++) if (a.cells[k] > 0) touched.push(k);
  const n = touched.length;
  const out: GroupSlice = { groups: Int32Array.from(touched), w: new Float64Array(n), mean: new Float64Array(n), m2: new Float64Array(n), min: new Float64Array(n),
    max: new Float64Array(n), cells: new Float64Array(n), pf: new Float64Array(n), pfCells: new Float64Array(n), histFirst: new Int32Array(n), histCount: new Int32Array(n), hist: new Float64Array(0) };
  let total = 0;
  touched.forEach((k, i) => {
    out.histFirst[i] = binOf(a.min[k], g);
    out.histCount[i] = binOf(a.max[k], g) - out.histFirst[i] + 1;
    total += out.histCount[i];
  });
  out.hist = new Float64Array(total);
  let at = 0;
  touched.forEach((k, i) => {
    const m = a.s[k] / a.w[k];
    out.w[i] = a.w[k]; out.mean[i] = a.shift[k] + m; out.m2[i] = Math.max(0, a.s2[k] - m * a.s[k]);
    out.min[i] = a.min[k]; out.max[i] = a.max[k]; out.cells[i] = a.cells[k]; out.pf[i] = a.pf[k]; out.pfCells[i] = a.pfCells[k];
    const from = k * a.bins + out.histFirst[i];
    const bins = a.hist.subarray(from, from + out.histCount[i]);
    out.hist.set(bins, at);
    bins.fill(0);
    at += out.histCount[i];
  });
  return out;
}

/** A partial summary of one key: per group, mergeable (what the pass merges the slices into, and what is cached). */
export interface GroupPartial {
  w: Float64Array; mean: Float64Array; m2: Float64Array; min: Float64Array; max: Float64Array; cells: Float64Array; pf: Float64Array;
  /** Permafrost counted in cells (share × cells): what counting cells at their nominal size would give. */
  pfCells: Float64Array;
  hist: Float64Array; // groups × bins
}

/** An empty partial summary of `groups` groups and `bins` bins. */
export function emptyPartial(groups: number, bins: number): GroupPartial {
  return { w: new Float64Array(groups), mean: new Float64Array(groups), m2: new Float64Array(groups), min: new Float64Array(groups).fill(Infinity),
    max: new Float64Array(groups).fill(-Infinity), cells: new Float64Array(groups), pf: new Float64Array(groups), pfCells: new Float64Array(groups), hist: new Float64Array(groups * bins) };
}

/** Adds a task's slice into a partial: moments by Chan's update, the rest summed. */
export function addSlice(into: GroupPartial, slice: GroupSlice): void {
  const bins = into.hist.length / into.w.length;
  let at = 0;
  for (let i = 0; i < slice.groups.length; i++) {
    const k = slice.groups[i];
    [into.w[k], into.mean[k], into.m2[k]] = chan(into.w[k], into.mean[k], into.m2[k], slice.w[i], slice.mean[i], slice.m2[i]);
    if (slice.min[i] < into.min[k]) into.min[k] = slice.min[i];
    if (slice.max[i] > into.max[k]) into.max[k] = slice.max[i];
    into.cells[k] += slice.cells[i]; into.pf[k] += slice.pf[i]; into.pfCells[k] += slice.pfCells[i];
    const base = k * bins + slice.histFirst[i];
    for (let b = 0; b < slice.histCount[i]; b++) into.hist[base + b] += slice.hist[at + b];
    at += slice.histCount[i];
  }
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

/** A place's parts for these bands, in their order: where each band's values are among the place's blobs, and their scale (blob −1: never written). */
export function partsOf(internals: Pick<RasterInternals, 'valueTransform'>, bands: number[], place: Place): Part[] {
  return bands.map((band, i) => {
    const job = place.jobs[i];
    return job ? { blob: place.blobOf[i], sample: job.sample, ...internals.valueTransform(band) } : { blob: -1, sample: 0, scale: 1, offset: 0 };
  });
}

/** What a kernel needs to know of a place: the grid (for cell areas), the raster's type and no data, and the block's position. */
export function placeSpec(grid: GridLike, raster: { dataType: DataType; noData: number | null }, first: BlockJob): StatsSpec {
  return {
    grid: { width: grid.width, height: grid.height, transform: grid.transform, crs: grid.crs }, dataType: raster.dataType, noData: raster.noData,
    col: first.col, row: first.row, cols: first.cols, rows: first.rows,
  };
}

/** One place of a task: the stored bytes of its blocks, how they are stored, where the place lies, and the bands (parts) to take from them. */
export interface PlaceInput { blobs: Uint8Array[]; layout: BlockLayout; spec: StatsSpec; parts: Part[] }

/** How the permafrost share of a cell is read from its value (GroupSpec's fields). */
export type Frozen = Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>;

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
  | { kernel: 'trend'; places: PlaceInput[]; years: number[] };

/** What each kernel answers for a task. */
export interface KernelResult {
  moments: Moments[];
  groups: GroupSlice[];
  means: BlockMeans[][];
  shares: BlockShares[][];
  trend: { slope: Float32Array; p: Float32Array }[];
}

/** This module, as the engine's workers load it (the build's copy when running from TypeScript sources). */
export const KERNEL_MODULE: string = (workerCandidates('stats', import.meta.url, 'kernels.js').find((u) => existsSync(fileURLToPath(u)))
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
      const g = task.groups;
      const parts = places[0]?.parts.length ?? 0;
      // weights once per place: kept when the task has several places, the shared buffer when it has one
      const weights = places.map((place) => (places.length === 1 ? weightsFor(place.spec) : weightsFor(place.spec).slice(0, place.spec.cols * place.spec.rows)));
      const slices: GroupSlice[] = [];
      try {
        for (let j = 0; j < parts; j++) {
          const a = newAccumulator(g);
          places.forEach((place, k) => {
            const part = place.parts[j];
            if (part.blob >= 0) accumulate(decoded[k][part.blob], place.layout, part, place.spec, weights[k], g, a);
          });
          slices.push(sliceOf(a, g));
        }
      } catch (err) {
        histScratch.fill(0); // the next task starts from zero
        throw err;
      }
      return { result: slices, transfer: slices.flatMap((s) => [s.groups, s.w, s.mean, s.m2, s.min, s.max, s.cells, s.pf, s.pfCells, s.histFirst, s.histCount, s.hist].map((a) => a.buffer as ArrayBuffer)) };
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
    default:
      throw new Error(`unknown kernel ${(task as { kernel: string }).kernel}`);
  }
}
