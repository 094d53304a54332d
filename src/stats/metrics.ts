import { InputError, invalid } from '../errors.js';

/** Agreement of predictions with observations. */
export interface Metrics {
  n: number;
  /** Mean of predicted − observed. */
  bias: number;
  mae: number;
  rmse: number;
  /** Coefficient of determination, 1 − SSE/SST (as scikit-learn's r2_score). */
  r2: number;
  /** Square of Pearson's correlation. */
  pearson_r2: number;
}

/**
 * n, bias (pred − obs), MAE, RMSE, R² = 1 − SSE/SST and Pearson r² over the pairs where both are numbers.
 * @example metrics([1, 2, 3], [1.1, 1.9, 3.2]) // { n: 3, bias: 0.0667, … }
 */
export function metrics(observed: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  if (observed.length !== predicted.length) throw new InputError(invalid('predicted', `${predicted.length} values`, `${observed.length}, one per observation`));
  let n = 0, so = 0, sp = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i], p = predicted[i];
    if (!Number.isFinite(o) || !Number.isFinite(p)) continue;
    n++; so += o; sp += p;
  }
  if (n === 0) return { n: 0, bias: NaN, mae: NaN, rmse: NaN, r2: NaN, pearson_r2: NaN };
  const mo = so / n, mp = sp / n;
  let sse = 0, sst = 0, sae = 0, cov = 0, vp = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i], p = predicted[i];
    if (!Number.isFinite(o) || !Number.isFinite(p)) continue;
    sse += (p - o) ** 2; sst += (o - mo) ** 2; sae += Math.abs(p - o);
    cov += (o - mo) * (p - mp); vp += (p - mp) ** 2;
  }
  return { n, bias: mp - mo, mae: sae / n, rmse: Math.sqrt(sse / n), r2: 1 - sse / sst, pearson_r2: (cov * cov) / (sst * vp) };
}
