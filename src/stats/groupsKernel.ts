// The grouped summary kernel: each part's cells summarized by group (region × latitude band):
// moments, permafrost area and a fine histogram, returned per task as the groups it touched.
import type { BlockLayout } from '../geotiff/decode.js';
import { storedValue } from '../geotiff/valueTransforms.js';
import { chan } from './moments.js';
import { frozenShare } from './frozenShare.js';
import { weightsFor, type GroupSpec, type Part, type PlaceInput, type StatsSpec } from './kernelSpec.js';

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
  const noData = s.noData ?? NaN;
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
      const v = storedValue(values[at], noData, scale, valueOffset);
      if (v !== v) continue;
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

/** A task's places summarized part by part (in place order within each part): one slice per part. */
export function groupSlices(places: PlaceInput[], decoded: ArrayLike<number>[][], g: GroupSpec): GroupSlice[] {
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
  return slices;
}

/** The buffers of a slice, to transfer. */
export function sliceBuffers(s: GroupSlice): ArrayBuffer[] {
  return [s.groups, s.w, s.mean, s.m2, s.min, s.max, s.cells, s.pf, s.pfCells, s.histFirst, s.histCount, s.hist].map((a) => a.buffer as ArrayBuffer);
}
