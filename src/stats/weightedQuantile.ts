// Weighted quantiles by cumulative weight, in one place: the value (or histogram bin) where the running
// sum of weights, in ascending order of value, first reaches q × the total weight.

/**
 * For each q (ascending, 0–1), the first position with weight where the running sum of `weights`
 * reaches q × `total` (a relative 1e-12 short counts as reached, so rounding in the sum never skips a
 * position); the last position when it never does; -1 for no positions. Positions are taken in
 * `order` when given (indices into `weights`), else 0, 1, 2, …
 * @example cumulativePositions([1, 1, 2], [0.5], 4) // [1]: 1 + 1 reaches half of 4
 */
export function cumulativePositions(weights: ArrayLike<number>, qs: number[], total: number, order?: ArrayLike<number>): number[] {
  const n = order ? order.length : weights.length;
  const out: number[] = [];
  let cumulative = 0;
  for (let i = 0; i < n && out.length < qs.length; i++) {
    const weight = weights[order ? order[i] : i];
    if (!(weight > 0)) continue; // a position without weight holds no quantile (q = 0 is the first with weight)
    cumulative += weight;
    while (out.length < qs.length && cumulative >= qs[out.length] * total - 1e-12 * total) out.push(i);
  }
  while (out.length < qs.length) out.push(n - 1);
  return out;
}

/**
 * Weighted quantiles of values (NaN and infinite values, and their weights, left out): for each q
 * (ascending, 0–1) the smallest value whose cumulative weight, in ascending order, reaches q × the
 * total; NaN for each q when no value is finite.
 * @example weightedQuantiles([3, 1, 2], [1, 1, 2], [0.5]) // [2]
 */
export function weightedQuantiles(values: ArrayLike<number>, weights: ArrayLike<number>, qs: number[]): number[] {
  const order: number[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) { order.push(i); total += weights[i]; }
  if (order.length === 0) return qs.map(() => NaN);
  order.sort((a, b) => values[a] - values[b]);
  return cumulativePositions(weights, qs, total, order).map((k) => values[order[k]]);
}

/**
 * The weighted median: the value where the cumulative weight reaches half (`weightedQuantiles` at 0.5).
 * @example weightedMedian([1, 2, 3], [1, 1, 5]) // 3
 */
export function weightedMedian(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  return weightedQuantiles(values, weights, [0.5])[0];
}
