import { exactP } from './trendKernel.js';

/**
 * Trend statistics for short series (the product's 8 periods): Sen's slope and the Mann–Kendall
 * test, exact (Kendall's exact distribution of S: with n = 8, p < 0.05 two-sided needs |S| ≥ 18).
 */

/** Sen's slope: the median of the pairwise slopes (y_j − y_i)/(x_j − x_i), NaN values skipped. */
export function sensSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const slopes: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) continue;
    for (let j = i + 1; j < y.length; j++) {
      if (!Number.isFinite(y[j]) || x[j] === x[i]) continue;
      slopes.push((y[j] - y[i]) / (x[j] - x[i]));
    }
  }
  if (slopes.length === 0) return NaN;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
}

/** The Mann–Kendall result: S, its two-sided p-value, and how p was found. */
export interface MannKendall {
  s: number;
  n: number;
  p: number;
  method: 'exact' | 'normal';
}

/**
 * Mann–Kendall test of a series against time order (values NaN are skipped). Exact two-sided
 * p-value from the permutation distribution of S when there are no ties and n ≤ 20, or with ties
 * and n ≤ 10 (every ordering of the tied values enumerated); otherwise the normal approximation
 * with the tie-corrected variance and a continuity correction.
 * @example mannKendall([1, 2, 3, 4, 5, 6, 7, 8]) // { s: 28, n: 8, p: 0.0000496, method: 'exact' }
 */
export function mannKendall(y: ArrayLike<number>): MannKendall {
  const v: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) v.push(y[i]);
  const n = v.length;
  if (n < 3) return { s: 0, n, p: NaN, method: 'exact' };
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(v[j] - v[i]);
  const ties = new Map<number, number>();
  for (const value of v) ties.set(value, (ties.get(value) ?? 0) + 1);
  const tied = [...ties.values()].filter((t) => t > 1);
  if ((tied.length === 0 && n <= 20) || n <= 10) return { s, n, p: exactP(s, n, tied), method: 'exact' };
  const variance = (n * (n - 1) * (2 * n + 5) - tied.reduce((a, t) => a + t * (t - 1) * (2 * t + 5), 0)) / 18;
  const z = s === 0 || variance <= 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  return { s, n, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))), method: 'normal' };
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 26.2.17 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const tail = d * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}

/**
 * Benjamini–Hochberg: which of these p-values are discoveries at false discovery rate `q`.
 * NaN p-values are never discoveries. Exact Mann–Kendall p-values take few distinct values, so
 * they are counted by value in a small open-addressed table (one pass, a few ns a cell, then a
 * sort of the distinct values) rather than sorted cell by cell; with more distinct values than
 * the table holds, all p-values are sorted.
 */
export function benjaminiHochberg(p: ArrayLike<number>, q = 0.05): Uint8Array {
  const counted = countByValue(p);
  let values: number[], counts: number[], m: number;
  if (counted) ({ values, counts, m } = counted);
  else {
    const finite = Float64Array.from(Array.prototype.filter.call(p, (v: number) => Number.isFinite(v)) as number[]).sort();
    m = finite.length;
    values = []; counts = [];
    for (let i = 0; i < m; i++) {
      if (i > 0 && finite[i] === finite[i - 1]) counts[counts.length - 1]++;
      else { values.push(finite[i]); counts.push(1); }
    }
  }
  // the largest p-value p_(k) with p_(k) ≤ k·q/m, k its rank (ties share the highest rank of their value)
  let rank = 0, cutoff = -Infinity;
  values.forEach((v, k) => {
    rank += counts[k];
    if (v <= (rank / m) * q) cutoff = v;
  });
  const out = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) if (p[i] <= cutoff) out[i] = 1;
  return out;
}

/** Finite values and how often each occurs, sorted by value; null when there are more than 2,048 distinct values. */
function countByValue(p: ArrayLike<number>): { values: number[]; counts: number[]; m: number } | null {
  const size = 4096, limit = 2048;
  const keys = new Float64Array(size);
  const counts = new Float64Array(size);
  const used = new Uint8Array(size);
  const bits = new Float64Array(1);
  const halves = new Int32Array(bits.buffer);
  let distinct = 0, m = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v !== v || v === Infinity || v === -Infinity) continue;
    m++;
    bits[0] = v;
    let slot = (Math.imul(halves[0] ^ halves[1], 0x9e3779b1) >>> 20) & (size - 1);
    while (used[slot] && keys[slot] !== v) slot = (slot + 1) & (size - 1);
    if (!used[slot]) {
      if (++distinct > limit) return null;
      used[slot] = 1;
      keys[slot] = v;
    }
    counts[slot]++;
  }
  const slots = Array.from({ length: size }, (_, k) => k).filter((k) => used[k]).sort((a, b) => keys[a] - keys[b]);
  return { values: slots.map((k) => keys[k]), counts: slots.map((k) => counts[k]), m };
}
