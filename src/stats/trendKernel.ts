/**
 * Per-cell trends over a short series (the product's periods), fast enough for 83 M cells: Sen's
 * slope by quickselect over the pairwise slopes, and the Mann–Kendall S with its exact two-sided
 * p-value from tabulated distributions (no ties: by n; ties: by the pattern of tie groups,
 * enumerated once over all orderings). Used on the decode workers, block by block.
 */

const distributions = new Map<string, Float64Array>();

/**
 * P(S = s) under no trend, for `n` values whose tie groups have the sizes `ties` (groups of 1
 * omitted): every ordering of the values equally likely. Indexed by s + n(n−1)/2. Without ties,
 * from the Mahonian numbers; with ties, by enumerating the orderings of the multiset (8! = 40,320
 * at most for the product's periods; up to n = 10).
 */
export function exactDistribution(n: number, ties: number[] = []): Float64Array {
  const groups = ties.filter((t) => t > 1).sort((a, b) => b - a);
  const key = `${n}:${groups.join(',')}`;
  const hit = distributions.get(key);
  if (hit) return hit;
  const pairs = (n * (n - 1)) / 2;
  const dist = new Float64Array(2 * pairs + 1);
  if (groups.length === 0) {
    let counts = [1];
    for (let k = 2; k <= n; k++) {
      const next = new Array(counts.length + k - 1).fill(0);
      for (let i = 0; i < counts.length; i++) for (let j = 0; j < k; j++) next[i + j] += counts[i];
      counts = next;
    }
    const total = counts.reduce((a, b) => a + b, 0);
    counts.forEach((c, inversions) => { dist[pairs - 2 * inversions + pairs] = c / total; });
  } else {
    if (n > 10) throw new Error(`exact Mann–Kendall with ties is tabulated up to n = 10, not ${n}`);
    // the values as tie-group ranks: distinct orderings of the multiset, each weighted by how many
    // orderings of the original values it stands for (all equal: multiply by Π t!)
    const values: number[] = [];
    let rank = 0;
    for (const t of groups) { for (let k = 0; k < t; k++) values.push(rank); rank++; }
    while (values.length < n) values.push(rank++);
    values.sort((a, b) => a - b);
    let total = 0;
    const perm = values.slice();
    const visit = () => {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += perm[j] > perm[i] ? 1 : perm[j] < perm[i] ? -1 : 0;
      dist[s + pairs] += 1;
      total++;
    };
    // next lexicographic permutation of a multiset (distinct orderings only)
    for (;;) {
      visit();
      let i = n - 2;
      while (i >= 0 && perm[i] >= perm[i + 1]) i--;
      if (i < 0) break;
      let j = n - 1;
      while (perm[j] <= perm[i]) j--;
      [perm[i], perm[j]] = [perm[j], perm[i]];
      for (let a = i + 1, b = n - 1; a < b; a++, b--) [perm[a], perm[b]] = [perm[b], perm[a]];
    }
    for (let k = 0; k < dist.length; k++) dist[k] /= total;
  }
  distributions.set(key, dist);
  return dist;
}

/** Two-sided exact p-value of S: P(|S| ≥ |s|). */
export function exactP(s: number, n: number, ties: number[] = []): number {
  const dist = exactDistribution(n, ties);
  const pairs = (n * (n - 1)) / 2;
  const a = Math.abs(s);
  let p = 0;
  for (let k = 0; k < dist.length; k++) if (Math.abs(k - pairs) >= a - 1e-9) p += dist[k];
  return Math.min(1, p);
}

/** Per n (no ties): p-value by |S|, tabulated once. */
const pTables = new Map<number, Float64Array>();
function pTable(n: number): Float64Array {
  let t = pTables.get(n);
  if (!t) {
    const pairs = (n * (n - 1)) / 2;
    t = new Float64Array(pairs + 1);
    for (let s = 0; s <= pairs; s++) t[s] = exactP(s, n);
    pTables.set(n, t);
  }
  return t;
}

/** k-th smallest of a[0..n) (0-based), rearranging a. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    // median of three as pivot
    const mid = (lo + hi) >> 1;
    let x = a[mid];
    const l = a[lo], h = a[hi];
    if ((l <= x && x <= h) || (h <= x && x <= l)) { /* x */ } else if ((x <= l && l <= h) || (h <= l && l <= x)) x = l; else x = h;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < x) i++;
      while (a[j] > x) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return a[k];
  }
  return a[k];
}

/**
 * The comparators of Batcher's odd–even merge sort for `n` values, keeping only those that decide
 * the middle one or two (found walking back from them).
 */
export function medianNetwork(n: number): [number, number][] {
  const all: [number, number][] = [];
  let size = 1;
  while (size < n) size <<= 1;
  for (let p = 1; p < size; p <<= 1) {
    for (let k = p; k >= 1; k >>= 1) {
      for (let j = k % p; j + k < size; j += 2 * k) {
        for (let i = 0; i < Math.min(k, size - j - k); i++) {
          const a = i + j, b = i + j + k;
          if (Math.floor(a / (2 * p)) === Math.floor(b / (2 * p)) && b < n) all.push([a, b]);
        }
      }
    }
  }
  const needed = new Set(n % 2 ? [n >> 1] : [n / 2 - 1, n / 2]);
  const kept: [number, number][] = [];
  for (let k = all.length - 1; k >= 0; k--) {
    const [a, b] = all[k];
    if (needed.has(a) || needed.has(b)) { kept.push(all[k]); needed.add(a); needed.add(b); }
  }
  return kept.reverse();
}

const medians = new Map<number, (a: Float64Array) => number>();

/**
 * The median of `a[0..n)` by a sorting network written out as straight code, values held in
 * locals: for the 28 pairwise slopes of 8 periods about twice as fast as quickselect, whose
 * data-dependent partitioning mispredicts most of its branches. Generated once per n (n ≤ 45).
 */
function medianOf(n: number): (a: Float64Array) => number {
  let f = medians.get(n);
  if (!f) {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`let v${i} = a[${i}];`);
    for (const [x, y] of medianNetwork(n)) lines.push(`if (v${y} < v${x}) { const t = v${x}; v${x} = v${y}; v${y} = t; }`);
    lines.push(n % 2 ? `return v${n >> 1};` : `return (v${n / 2 - 1} + v${n / 2}) / 2;`);
    f = new Function('a', lines.join('\n')) as (a: Float64Array) => number;
    medians.set(n, f);
  }
  return f;
}

/**
 * Sen's slope (per unit of `years`) and the exact Mann–Kendall p-value of each cell of a block.
 * `series[k]` holds period k's values of the block's cells (NaN for no data); cells with fewer
 * than `minValid` values get NaN. Writes `slope[i]` and `p[i]` for i < cells.
 */
export function trendCells(series: ArrayLike<number>[], years: ArrayLike<number>, cells: number, slope: Float32Array, p: Float32Array, minValid = 4): void {
  const n = series.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  const y = new Float64Array(n);
  const x = new Float64Array(n);
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) inverse[i * n + j] = 1 / (years[j] - years[i]);
  const idx = new Int32Array(n);
  const sorted = new Float64Array(n);
  const pairs = (n * (n - 1)) / 2;
  const medianAll = pairs <= 45 ? medianOf(pairs) : null; // a cell with every period (most)
  const pFull = pTable(n);
  for (let c = 0; c < cells; c++) {
    let m = 0;
    for (let k = 0; k < n; k++) {
      const v = series[k][c];
      if (v === v) { y[m] = v; x[m] = years[k]; idx[m] = k; m++; }
    }
    if (m < minValid) { slope[c] = NaN; p[c] = NaN; continue; }
    // signs counted without branches (their signs are as good as random: a branch would mispredict)
    let q = 0, s = 0, zeros = 0;
    for (let i = 0; i < m; i++) {
      const yi = y[i];
      const row = idx[i] * n;
      for (let j = i + 1; j < m; j++) {
        const d = y[j] - yi;
        slopes[q++] = d * inverse[row + idx[j]];
        s += (d > 0 ? 1 : 0) - (d < 0 ? 1 : 0);
        zeros += d === 0 ? 1 : 0;
      }
    }
    const tied = zeros > 0;
    if (q === pairs && medianAll) slope[c] = medianAll(slopes);
    else if (q <= 45) slope[c] = medianOf(q)(slopes);
    else {
      const half = q >> 1;
      const upper = select(slopes, q, half);
      if (q % 2) slope[c] = upper;
      else {
        let lower = -Infinity;
        for (let k = 0; k < half; k++) if (slopes[k] > lower) lower = slopes[k];
        slope[c] = (lower + upper) / 2;
      }
    }
    if (!tied) { p[c] = (m === n ? pFull : pTable(m))[Math.abs(s)]; continue; }
    // ties: the exact distribution for this pattern of tie groups
    for (let k = 0; k < m; k++) sorted[k] = y[k];
    const part = sorted.subarray(0, m).sort();
    const groups: number[] = [];
    for (let k = 0; k < m;) { let t = 1; while (k + t < m && part[k + t] === part[k]) t++; if (t > 1) groups.push(t); k += t; }
    p[c] = exactP(s, m, groups);
  }
}
