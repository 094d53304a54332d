import { InputError, LimitError, invalid } from '../errors.js';
import { cellArea, asGrid, type GridInput, type GridLike } from './cellArea.js';
import { pixelMap, type PixelMap } from './pixelMap.js';

/** How `regridValues` resamples: as gdalwarp's `-r average | near | bilinear | mode`. */
export type RegridMethod = 'average' | 'nearest' | 'bilinear' | 'mode';

export const REGRID_METHODS: RegridMethod[] = ['average', 'nearest', 'bilinear', 'mode'];

/** A source grid whose rows can be read in strips: floats, NaN where there is no data. */
export interface RowSource {
  grid: GridLike;
  rows(y0: number, height: number): Promise<Float32Array>;
}

/** Options of {@link regridValues}. */
export interface RegridValuesOptions {
  /** Default `average`. */
  method?: RegridMethod;
  /** Source rows read at a time. Default 256. */
  strip_rows?: number;
  /** Most distinct values `mode` accepts (it keeps a weight per value and target cell). Default 32. */
  max_classes?: number;
}

/** Bytes `regridValues` allocates for a target grid with this method (checked before allocating). */
export function regridBytes(target: { width: number; height: number }, method: RegridMethod, classes = 4): number {
  const n = target.width * target.height;
  return n * 4 + (method === 'average' ? n * 16 : method === 'mode' ? n * 4 * classes : n * 16);
}

const LATTICE = 8;
/** Largest error of the interpolated lattice, in target pixels, before a patch is projected point by point. */
const TOLERANCE_PX = 0.02;

/**
 * The pixel coordinates on the target of points (`j + offset`, `row + offset`) of the source,
 * `rows` × `cols` of them from row `r0`: projected on a lattice every 8 points and interpolated
 * within, or point by point in patches where the interpolation misses by more than 0.02 pixel
 * (as gdalwarp's approximate transformer, with a tighter error), or across a longitude seam.
 */
export function mapLattice(map: PixelMap, r0: number, rows: number, cols: number, offset: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(rows * cols);
  const y = new Float64Array(rows * cols);
  if (map.affine || rows < 2 || cols < 2) {
    for (let i = 0; i < rows; i++) map.row(r0 + i + offset, offset, 1, cols, x.subarray(i * cols), y.subarray(i * cols));
    return { x, y };
  }
  const m = LATTICE;
  const lr = Math.ceil((rows - 1) / m) + 1;
  const lc = Math.ceil((cols - 1) / m) + 1;
  const LX = new Float64Array(lr * lc);
  const LY = new Float64Array(lr * lc);
  for (let i = 0; i < lr; i++) {
    const r = Math.min(i * m, rows - 1);
    // the last lattice column is the last point
    map.row(r0 + r + offset, offset, m, lc - 1, LX.subarray(i * lc), LY.subarray(i * lc));
    map.row(r0 + r + offset, offset + cols - 1, 1, 1, LX.subarray(i * lc + lc - 1), LY.subarray(i * lc + lc - 1));
  }
  const one = new Float64Array(2);
  const two = new Float64Array(2);
  const px = new Float64Array(m + 1);
  const py = new Float64Array(m + 1);
  const half = map.wrap / 2;
  for (let i = 0; i + 1 < lr; i++) {
    const ra = Math.min(i * m, rows - 1);
    const rb = Math.min((i + 1) * m, rows - 1);
    for (let j = 0; j + 1 < lc; j++) {
      const ca = j * m;
      const cb = Math.min((j + 1) * m, cols - 1);
      const k00 = i * lc + j, k01 = k00 + 1, k10 = k00 + lc, k11 = k10 + 1;
      const xs = [LX[k00], LX[k01], LX[k10], LX[k11]];
      const ys = [LY[k00], LY[k01], LY[k10], LY[k11]];
      let exact = xs.some((v) => v !== v) || ys.some((v) => v !== v);
      if (!exact && map.wrap && Math.max(...xs) - Math.min(...xs) > half) exact = true;
      if (!exact) {
        // the patch's centre, projected and interpolated
        const rc = (ra + rb) / 2, cc = (ca + cb) / 2;
        map.row(r0 + rc + offset, cc + offset, 1, 1, one, two);
        const ix = (xs[0] + xs[1] + xs[2] + xs[3]) / 4;
        const iy = (ys[0] + ys[1] + ys[2] + ys[3]) / 4;
        exact = !(Math.abs(one[0] - ix) <= TOLERANCE_PX && Math.abs(two[0] - iy) <= TOLERANCE_PX);
      }
      for (let r = ra; r <= rb; r++) {
        const v = rb === ra ? 0 : (r - ra) / (rb - ra);
        if (exact) {
          map.row(r0 + r + offset, ca + offset, 1, cb - ca + 1, px, py);
          for (let c = ca; c <= cb; c++) { x[r * cols + c] = px[c - ca]; y[r * cols + c] = py[c - ca]; }
          continue;
        }
        for (let c = ca; c <= cb; c++) {
          const u = cb === ca ? 0 : (c - ca) / (cb - ca);
          x[r * cols + c] = (1 - v) * ((1 - u) * xs[0] + u * xs[1]) + v * ((1 - u) * xs[2] + u * xs[3]);
          y[r * cols + c] = (1 - v) * ((1 - u) * ys[0] + u * ys[1]) + v * ((1 - u) * ys[2] + u * ys[3]);
        }
      }
    }
  }
  return { x, y };
}

/**
 * One band of a source grid resampled onto a target grid, streamed over the source in strips of
 * rows, as a Float32Array of the target's cells (NaN where no source cell gives a value).
 *
 * - `average`: the area-weighted mean of the source cells under each target cell, each counting by
 *   its true area (cellArea) times the share of it inside the target cell: exact shares when the
 *   grids share a CRS, else from 1 to 256 sub-cells per source cell (4 per target pixel across).
 * - `mode`: the value covering the most area of the target cell (at most `max_classes` distinct values).
 * - `nearest`: the source cell under the target cell's centre.
 * - `bilinear`: the four source cells around the target cell's centre, weighted bilinearly, over
 *   the valid ones, none where the cell under the centre has none (as gdalwarp, without the
 *   kernel's widening when the target is coarser).
 * @example const out = await regridValues({ grid: ds.grid, rows }, target, { method: 'average' })
 */
export async function regridValues(source: RowSource, input: GridInput, options: RegridValuesOptions = {}): Promise<Float32Array> {
  const target = asGrid(input);
  const method = options.method ?? 'average';
  if (!REGRID_METHODS.includes(method)) throw new InputError(invalid('method', method, REGRID_METHODS.join(', ')));
  const strip = options.strip_rows ?? 256;
  if (method === 'average' || method === 'mode') return forward(source, target, method, strip, options.max_classes ?? 32);
  return inverse(source, target, method, strip);
}

async function forward(source: RowSource, target: GridLike, method: 'average' | 'mode', strip: number, maxClasses: number): Promise<Float32Array> {
  const { width: W, height: H } = source.grid;
  const TW = target.width, TH = target.height;
  const n = TW * TH;
  const map = pixelMap(source.grid, target);
  if (map.affine && method === 'average') return affineAverage(source, target, map, strip);
  const areas = cellArea(source.grid);
  const sumW = new Float64Array(method === 'average' ? n : 0);
  const sumV = new Float64Array(method === 'average' ? n : 0);
  // mode: a weight per target cell and class, classes added as they are met
  const classes = new Map<number, number>();
  const values: number[] = [];
  let cap = 4;
  let weights = new Float32Array(method === 'mode' ? n * cap : 0);
  const classOf = (v: number): number => {
    let k = classes.get(v);
    if (k !== undefined) return k;
    k = values.length;
    if (k >= maxClasses) throw new LimitError(`mode found more than ${maxClasses} distinct values (expected classes, such as the permafrost layer's); use average or nearest for continuous values`);
    classes.set(v, k); values.push(v);
    if (k >= cap) {
      const grown = new Float32Array(n * cap * 2);
      for (let t = 0; t < n; t++) grown.set(weights.subarray(t * cap, t * cap + cap), t * cap * 2);
      weights = grown; cap *= 2;
    }
    return k;
  };
  const add = method === 'average'
    ? (t: number, w: number, v: number) => { sumW[t] += w; sumV[t] += w * v; }
    : (t: number, w: number, v: number) => { weights[t * cap + classOf(v)] += w; };
  const wrap = map.wrap;
  const area = new Float64Array(W);
  for (let r0 = 0; r0 < H; r0 += strip) {
    const rows = Math.min(strip, H - r0);
    const vals = await source.rows(r0, rows);
    const { x, y } = mapLattice(map, r0, rows + 1, W + 1, 0);
    const C = W + 1;
    for (let r = 0; r < rows; r++) {
      areas.row(r0 + r, 0, W, area);
      for (let c = 0; c < W; c++) {
        const v = vals[r * W + c];
        if (v !== v) continue;
        const A = area[c];
        if (!(A > 0)) continue;
        const k = r * C + c;
        let x00 = x[k], x10 = x[k + 1], x01 = x[k + C], x11 = x[k + C + 1];
        const y00 = y[k], y10 = y[k + 1], y01 = y[k + C], y11 = y[k + C + 1];
        if (!(x00 === x00 && x10 === x10 && x01 === x01 && x11 === x11 && y00 === y00 && y11 === y11 && y10 === y10 && y01 === y01)) continue;
        if (wrap) { x10 = unwrap(x10, x00, wrap); x01 = unwrap(x01, x00, wrap); x11 = unwrap(x11, x00, wrap); }
        if (map.affine) { exactShares(x00, x11, y00, y11, TW, TH, A, v, add); continue; }
        const size = Math.max(Math.abs(x10 - x00), Math.abs(x01 - x00), Math.abs(y10 - y00), Math.abs(y01 - y00), Math.abs(x11 - x00), Math.abs(y11 - y00));
        if (size > TW + TH) continue; // a cell torn apart by the projection (at a pole or seam)
        const ks = Math.min(16, Math.max(1, Math.ceil(size * 4)));
        const w = A / (ks * ks);
        for (let j = 0; j < ks; j++) {
          const vv = (j + 0.5) / ks;
          const ax = x00 + vv * (x01 - x00), bx = x10 + vv * (x11 - x10);
          const ay = y00 + vv * (y01 - y00), by = y10 + vv * (y11 - y10);
          for (let i = 0; i < ks; i++) {
            const u = (i + 0.5) / ks;
            let tc = Math.floor(ax + u * (bx - ax));
            const tr = Math.floor(ay + u * (by - ay));
            if (wrap) tc = ((tc % wrap) + wrap) % wrap;
            if (tc < 0 || tc >= TW || tr < 0 || tr >= TH) continue;
            add(tr * TW + tc, w, v);
          }
        }
      }
    }
  }
  const out = new Float32Array(n);
  if (method === 'average') {
    for (let t = 0; t < n; t++) out[t] = sumW[t] > 0 ? sumV[t] / sumW[t] : NaN;
    return out;
  }
  for (let t = 0; t < n; t++) {
    let best = -1, bw = 0;
    for (let k = 0; k < values.length; k++) { const w = weights[t * cap + k]; if (w > bw) { bw = w; best = k; } }
    out[t] = best < 0 ? NaN : values[best];
  }
  return out;
}

function unwrap(v: number, ref: number, wrap: number): number {
  if (v - ref > wrap / 2) return v - wrap;
  if (ref - v > wrap / 2) return v + wrap;
  return v;
}

/** Exact shares of an axis-aligned source cell (x0…x1, y0…y1 in target pixels) in the target cells it overlaps. */
function exactShares(xa: number, xb: number, ya: number, yb: number, TW: number, TH: number, A: number, v: number, add: (t: number, w: number, v: number) => void): void {
  const x0 = Math.min(xa, xb), x1 = Math.max(xa, xb), y0 = Math.min(ya, yb), y1 = Math.max(ya, yb);
  const cellArea = (x1 - x0) * (y1 - y0);
  if (!(cellArea > 0)) return;
  for (let tr = Math.max(0, Math.floor(y0)); tr < Math.min(TH, Math.ceil(y1)); tr++) {
    const fy = Math.min(y1, tr + 1) - Math.max(y0, tr);
    if (fy <= 0) continue;
    for (let tc = Math.max(0, Math.floor(x0)); tc < Math.min(TW, Math.ceil(x1)); tc++) {
      const fx = Math.min(x1, tc + 1) - Math.max(x0, tc);
      if (fx > 0) add(tr * TW + tc, (A * fx * fy) / cellArea, v);
    }
  }
}

async function inverse(source: RowSource, target: GridLike, method: 'nearest' | 'bilinear', strip: number): Promise<Float32Array> {
  const { width: W, height: H } = source.grid;
  const TW = target.width, TH = target.height;
  const n = TW * TH;
  const map = pixelMap(target, source.grid);
  // each target centre's place on the source, then the target cells bucketed by source strip
  const sx = new Float32Array(n);
  const sy = new Float32Array(n);
  const band = 64;
  for (let r0 = 0; r0 < TH; r0 += band) {
    const rows = Math.min(band, TH - r0);
    const { x, y } = mapLattice(map, r0, rows, TW, 0.5);
    sx.set(x, r0 * TW);
    sy.set(y, r0 * TW);
  }
  const strips = Math.ceil(H / strip);
  const counts = new Uint32Array(strips + 1);
  const stripOf = (t: number): number => {
    const X = sx[t], Y = sy[t];
    if (!(X >= 0 && X <= W && Y >= 0 && Y <= H)) return -1;
    return Math.min(strips - 1, Math.floor(Math.min(H - 1, Math.floor(Y)) / strip));
  };
  for (let t = 0; t < n; t++) { const s = stripOf(t); if (s >= 0) counts[s + 1]++; }
  for (let s = 0; s < strips; s++) counts[s + 1] += counts[s];
  const order = new Uint32Array(counts[strips]);
  const next = counts.slice(0, strips);
  for (let t = 0; t < n; t++) { const s = stripOf(t); if (s >= 0) order[next[s]++] = t; }
  const out = new Float32Array(n).fill(NaN);
  for (let s = 0; s < strips; s++) {
    if (counts[s + 1] === counts[s]) continue;
    const first = Math.max(0, s * strip - 1);
    const last = Math.min(H, (s + 1) * strip + 1);
    const vals = await source.rows(first, last - first);
    for (let k = counts[s]; k < counts[s + 1]; k++) {
      const t = order[k];
      if (method === 'nearest') {
        const c = Math.min(W - 1, Math.floor(sx[t]));
        const r = Math.min(H - 1, Math.floor(sy[t]));
        out[t] = vals[(r - first) * W + c];
        continue;
      }
      // as gdalwarp: no value where the cell under the centre has none (the sea does not get the coast's values)
      const under = vals[(Math.min(H - 1, Math.floor(sy[t])) - first) * W + Math.min(W - 1, Math.floor(sx[t]))];
      if (under !== under) continue;
      const gx = sx[t] - 0.5, gy = sy[t] - 0.5;
      const c0 = Math.floor(gx), r0 = Math.floor(gy);
      const fx = gx - c0, fy = gy - r0;
      let sw = 0, sv = 0;
      for (let dr = 0; dr <= 1; dr++) {
        const r = r0 + dr;
        if (r < 0 || r >= H) continue;
        const wy = dr ? fy : 1 - fy;
        for (let dc = 0; dc <= 1; dc++) {
          const c = c0 + dc;
          if (c < 0 || c >= W) continue;
          const v = vals[(r - first) * W + c];
          const w = wy * (dc ? fx : 1 - fx);
          if (v !== v || w === 0) continue;
          sw += w; sv += w * v;
        }
      }
      out[t] = sw > 1e-9 ? sv / sw : NaN;
    }
  }
  return out;
}

/**
 * The shares of each source column (or row) in the target columns (rows) it overlaps, when the
 * grids share a CRS: `first[k]…first[k + 1]` index `cell` (target column) and `share` (of the source
 * cell's width inside it), in compressed rows.
 */
function axisShares(count: number, edge: (k: number) => number, size: number): { first: Int32Array; cell: Int32Array; share: Float64Array } {
  const first = new Int32Array(count + 1);
  const cell: number[] = [];
  const share: number[] = [];
  for (let k = 0; k < count; k++) {
    first[k] = cell.length;
    const a = edge(k), b = edge(k + 1);
    const lo = Math.min(a, b), hi = Math.max(a, b);
    for (let t = Math.max(0, Math.floor(lo)); t < Math.min(size, Math.ceil(hi)); t++) {
      const f = (Math.min(hi, t + 1) - Math.max(lo, t)) / (hi - lo);
      if (f > 0) { cell.push(t); share.push(f); }
    }
  }
  first[count] = cell.length;
  return { first, cell: Int32Array.from(cell), share: Float64Array.from(share) };
}

/** `average` between grids of one CRS: exact shares from per-column and per-row tables (no projection, no sub-cells). */
async function affineAverage(source: RowSource, target: GridLike, map: PixelMap, strip: number): Promise<Float32Array> {
  const { width: W, height: H } = source.grid;
  const TW = target.width, TH = target.height;
  const n = TW * TH;
  const x = new Float64Array(W + 1), y = new Float64Array(1);
  map.row(0, 0, 1, W + 1, x, y);
  const f = source.grid.transform, t = target.transform;
  const cols = axisShares(W, (c) => x[c], TW);
  const rows = axisShares(H, (r) => (f.origin_y + r * f.pixel_height - t.origin_y) / t.pixel_height, TH);
  const areas = cellArea(source.grid);
  const area = new Float64Array(W);
  const sumW = new Float64Array(n);
  const sumV = new Float64Array(n);
  const { first: cf, cell: cc, share: cs } = cols;
  // the next strip is asked for before this one is added up (read while adding, when the reader decodes off the main thread)
  let next = source.rows(0, Math.min(strip, H));
  for (let r0 = 0; r0 < H; r0 += strip) {
    const height = Math.min(strip, H - r0);
    const vals = await next;
    if (r0 + strip < H) next = source.rows(r0 + strip, Math.min(strip, H - r0 - strip));
    for (let r = 0; r < height; r++) {
      const R = r0 + r;
      if (rows.first[R] === rows.first[R + 1]) continue; // the row lies outside the target
      areas.row(R, 0, W, area);
      for (let k = rows.first[R]; k < rows.first[R + 1]; k++) {
        const base = rows.cell[k] * TW;
        const fy = rows.share[k];
        for (let c = 0; c < W; c++) {
          const v = vals[r * W + c];
          if (v !== v) continue;
          const A = area[c] * fy;
          for (let j = cf[c]; j < cf[c + 1]; j++) {
            const w = A * cs[j];
            const at = base + cc[j];
            sumW[at] += w; sumV[at] += w * v;
          }
        }
      }
    }
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sumW[i] > 0 ? sumV[i] / sumW[i] : NaN;
  return out;
}
