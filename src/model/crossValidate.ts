import * as aq from 'arquero';
import proj4 from 'proj4';
import { InputError, invalid } from '../errors.js';
import { ARCTIC_POLAR_STEREOGRAPHIC, LONLAT } from '../geotiff/crs.js';
import { randomGenerator } from '../core/random.js';
import { metrics, type Metrics } from '../stats/metrics.js';
import { fitForest, type ForestOptions } from './randomForest.js';

/** How folds are dealt: how many, and the seed of the shuffle. */
export interface FoldOptions {
  /** Number of folds. Default 10. */
  folds?: number;
  /** Seed of the random assignment. Default 1. */
  seed?: number;
}

/** Random k folds: the fold (0…k−1) of each of n samples. `folds` is a number of folds or the options. */
export function kFolds(n: number, folds: number | FoldOptions = {}): Int32Array {
  const { folds: k = 10, seed = 1 } = typeof folds === 'number' ? { folds } : folds;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new InputError(invalid('folds', k, `2 to ${n}`));
  const random = randomGenerator(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(random.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const out = new Int32Array(n);
  order.forEach((sample, rank) => { out[sample] = rank % k; });
  return out;
}

/** Folds by group (a site's periods stay together): groups shuffled, then dealt to k folds. */
export function groupFolds(groups: ArrayLike<string | number>, folds: number | FoldOptions = {}): Int32Array {
  const { folds: k = 10, seed = 1 } = typeof folds === 'number' ? { folds } : folds;
  const ids = [...new Set(Array.from(groups))];
  if (ids.length < k) throw new InputError(invalid('folds', k, `at most ${ids.length}, the number of groups`));
  const foldOf = new Map<string | number, number>();
  kFolds(ids.length, { folds: k, seed }).forEach((f, i) => foldOf.set(ids[i], f));
  return Int32Array.from(groups as ArrayLike<string | number>, (g) => foldOf.get(g)!);
}

/** Spatial-block folds: stations grouped into square blocks of `block_km` (default 500) on the polar grid, blocks dealt to folds. */
export function blockFolds(lon: ArrayLike<number>, lat: ArrayLike<number>, options: FoldOptions & { block_km?: number } = {}): Int32Array {
  const { folds: k = 10, seed = 1, block_km = 500 } = options;
  const forward = proj4(LONLAT, ARCTIC_POLAR_STEREOGRAPHIC);
  const blocks = Array.from({ length: lon.length }, (_, i) => {
    const [x, y] = forward.forward([lon[i], lat[i]]);
    return `${Math.floor(x / (block_km * 1000))},${Math.floor(y / (block_km * 1000))}`;
  });
  return groupFolds(blocks, { folds: Math.min(k, new Set(blocks).size), seed });
}

/** Out-of-fold predictions and their metrics. */
export interface CrossValidation {
  predictions: Float64Array;
  metrics: Metrics;
  folds: number;
}

/**
 * Fits a forest on all folds but one and predicts that one, for every fold.
 * @example crossValidate(data, { folds: groupFolds(data.sites, 10), trees: 200 }).metrics.rmse
 */
/** What the forest learns from: feature rows, the target, and the features' names (as `trainingData` gives them). */
export interface LearningData { X: ArrayLike<number>[]; y: ArrayLike<number>; features?: string[] }

export function crossValidate(data: LearningData, options: ForestOptions & { folds: Int32Array }): CrossValidation {
  const { X, y } = data;
  const { folds, ...forest } = options;
  if (!(folds instanceof Int32Array)) throw new InputError(invalid('folds', typeof folds, 'an Int32Array from kFolds, groupFolds or blockFolds'));
  options = forest as typeof options;
  const k = Math.max(...folds) + 1;
  const predictions = new Float64Array(X.length).fill(NaN);
  for (let f = 0; f < k; f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < X.length; i++) (folds[i] === f ? test : train).push(i);
    if (!test.length || train.length < 2) continue;
    const forest = fitForest(train.map((i) => X[i]), train.map((i) => y[i]), { ...options, seed: (options.seed ?? 1) + f });
    forest.predict(test.map((i) => X[i])).forEach((v, j) => { predictions[test[j]] = v; });
  }
  return { predictions, metrics: metrics(y, predictions), folds: k };
}

/** A model fitted on training rows that predicts others: what {@link permutationImportance} shuffles features against. */
export type FitModel = (rows: ArrayLike<number>[], y: ArrayLike<number>, options: ForestOptions) => { predict(rows: ArrayLike<number>[]): ArrayLike<number> };

/**
 * Permutation importance on held-out folds: how much the cross-validated RMSE grows when one
 * feature's values are shuffled in the test fold (mean over folds).
 * Options: the forest's, `folds`, and `fit`, the model fitted on each fold's training rows (default
 * {@link fitForest}; any other model, e.g. a fixed predictor to compare with scikit-learn's
 * `permutation_importance`).
 * @example permutationImportance(data, { folds: groupFolds(data.sites, 10), trees: 50 })
 */
export function permutationImportance(data: LearningData, options: ForestOptions & { folds: Int32Array; fit?: FitModel }):
  { feature: string; rmse_increase: number }[] {
  const { X, y } = data;
  const names = Array.from({ length: X[0]?.length ?? 0 }, (_, i) => data.features?.[i] ?? `feature_${i + 1}`);
  const { folds, fit = fitForest, ...rest } = options;
  options = rest as typeof options;
  const k = Math.max(...folds) + 1;
  const p = names.length;
  const increase = new Float64Array(p);
  const random = randomGenerator((options.seed ?? 1) + 977);
  for (let f = 0; f < k; f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < X.length; i++) (folds[i] === f ? test : train).push(i);
    if (!test.length) continue;
    const forest = fit(train.map((i) => X[i]), train.map((i) => y[i]), { ...options, seed: (options.seed ?? 1) + f });
    const rows = test.map((i) => Array.from(X[i]));
    const obs = test.map((i) => y[i]);
    const base = metrics(obs, forest.predict(rows)).rmse;
    for (let j = 0; j < p; j++) {
      const shuffled = rows.map((r) => [...r]);
      const column = shuffled.map((r) => r[j]);
      for (let i = column.length - 1; i > 0; i--) { const s = Math.floor(random.next() * (i + 1)); [column[i], column[s]] = [column[s], column[i]]; }
      shuffled.forEach((r, i) => { r[j] = column[i]; });
      increase[j] += (metrics(obs, forest.predict(shuffled)).rmse - base) / k;
    }
  }
  return names.map((feature, j) => ({ feature, rmse_increase: increase[j] })).sort((a, b) => b.rmse_increase - a.rmse_increase);
}

/**
 * Forward feature selection: start with none, add the feature that most lowers the
 * cross-validated RMSE, stop when no feature lowers it by at least `min_gain`.
 */
export function forwardSelection(data: LearningData, options: ForestOptions & { folds: Int32Array; min_gain?: number }):
  { step: number; added: string; rmse: number; r2: number }[] {
  const { X, y } = data;
  const names = Array.from({ length: X[0]?.length ?? 0 }, (_, i) => data.features?.[i] ?? `feature_${i + 1}`);
  const { folds } = options;
  const chosen: number[] = [];
  const steps: { step: number; added: string; rmse: number; r2: number }[] = [];
  let best = Infinity;
  while (chosen.length < names.length) {
    let pick = -1, pickRmse = Infinity, pickR2 = NaN;
    for (let j = 0; j < names.length; j++) {
      if (chosen.includes(j)) continue;
      const cols = [...chosen, j];
      const cv = crossValidate({ X: X.map((r) => cols.map((c) => r[c])), y }, { ...options, folds });
      if (cv.metrics.rmse < pickRmse) { pick = j; pickRmse = cv.metrics.rmse; pickR2 = cv.metrics.r2; }
    }
    if (pick < 0 || best - pickRmse < (options.min_gain ?? 1e-3)) break;
    chosen.push(pick);
    best = pickRmse;
    steps.push({ step: chosen.length, added: names[pick], rmse: pickRmse, r2: pickR2 });
  }
  return steps;
}

/**
 * Cross-validation under several fold schemes side by side (random, grouped by site, spatial
 * blocks…): one row per scheme with its metrics, as an Arquero table.
 * @example compareFolds(data, { folds: { random: kFolds(n, 10), by_site: groupFolds(data.sites, 10) }, trees: 100 })
 */
export function compareFolds(data: { X: number[][]; y: number[] }, options: ForestOptions & { folds: Record<string, Int32Array> }): ReturnType<typeof aq.from> {
  const { folds, ...forest } = options;
  return aq.from(Object.entries(folds).map(([name, f]) => ({ folds: name, ...crossValidate(data, { ...forest, folds: f }).metrics })));
}
