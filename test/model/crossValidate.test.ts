// permutationImportance against scikit-learn's sklearn.inspection.permutation_importance, on the
// same held-out folds and the same model: a fixed linear predictor both evaluate identically
// (passed as `fit`), and our forest's ranking against scikit-learn's forest's.
import { describe, expect, it } from 'vitest';
import { kFolds, permutationImportance } from '../../src/model/crossValidate.js';
import { randomGenerator } from '../../src/core/random.js';
import { python, referee } from '../helpers.js';

const COEFFICIENTS = [3, 0.5, 0, 1.5];

/** n rows of four features (uniform, normal, uniform, normal) and y = the linear predictor + noise 0.1, seeded. */
function data(n: number) {
  const r = randomGenerator(5);
  const X = Array.from({ length: n }, () => [r.next(), r.normal(), r.next(), r.normal()]);
  const y = X.map((x) => x.reduce((s, v, j) => s + COEFFICIENTS[j] * v, 0) + 0.1 * r.normal());
  return { X, y, features: ['a', 'b', 'c', 'd'] };
}

const SKLEARN = String.raw`
import json, sys
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import RandomForestRegressor
from sklearn.inspection import permutation_importance
d = json.load(sys.stdin)
X, y, folds = np.array(d['X']), np.array(d['y']), np.array(d['folds'])
class Linear(BaseEstimator, RegressorMixin):
    def fit(self, X, y): return self
    def predict(self, X): return X @ np.array(d['coefficients'])
out = []
for f in range(folds.max() + 1):
    train, test = folds != f, folds == f
    model = Linear() if d['model'] == 'linear' else RandomForestRegressor(n_estimators=50, random_state=f).fit(X[train], y[train])
    r = permutation_importance(model, X[test], y[test], scoring='neg_root_mean_squared_error', n_repeats=d['repeats'], random_state=f)
    out.append(r.importances_mean.tolist())
print(json.dumps(np.mean(out, axis=0).tolist()))
`;
const sklearn = (input: object): number[] => JSON.parse(referee(python, ['-c', SKLEARN], JSON.stringify(input)));

describe('permutationImportance(data, { folds }) against scikit-learn\'s permutation_importance', () => {
  // Ours shuffles each feature once per fold, scikit-learn's mean is over 100 shuffles; with 2,000
  // test rows a fold the RMSE after one shuffle varies by about 1 %, so: 5 % relative, and exactly 0
  // for a feature the model ignores.
  it('a fixed linear predictor on 5 folds of 10,000 rows: the same RMSE increase per feature (5 %), 0 for the unused one, the same order', () => {
    const d = data(10_000);
    const folds = kFolds(d.X.length, { folds: 5, seed: 3 });
    const fit = () => ({ predict: (rows: ArrayLike<number>[]) => rows.map((x) => COEFFICIENTS.reduce((s, c, j) => s + c * x[j], 0)) });
    const ours = permutationImportance(d, { folds, fit });
    const ref = sklearn({ X: d.X, y: d.y, folds: Array.from(folds), model: 'linear', coefficients: COEFFICIENTS, repeats: 100 });
    expect(ours.map((r) => r.feature)).toEqual(['d', 'a', 'b', 'c']);
    for (const { feature, rmse_increase } of ours) {
      const theirs = ref[d.features.indexOf(feature)];
      if (feature === 'c') { expect(rmse_increase).toBe(0); expect(theirs).toBe(0); continue; }
      expect(Math.abs(rmse_increase / theirs - 1), `${feature}: ${rmse_increase} vs ${theirs}`).toBeLessThan(0.05);
    }
  });

  it('our forest and scikit-learn\'s forest (50 trees each, 5 folds of 1,000 rows) rank the features alike; the unused one near 0 in both', () => {
    const d = data(1_000);
    const folds = kFolds(d.X.length, { folds: 5, seed: 3 });
    const ours = permutationImportance(d, { folds, trees: 50, seed: 2 });
    const ref = sklearn({ X: d.X, y: d.y, folds: Array.from(folds), model: 'forest', coefficients: COEFFICIENTS, repeats: 10 });
    expect(ours.map((r) => r.feature)).toEqual([...d.features].sort((p, q) => ref[d.features.indexOf(q)] - ref[d.features.indexOf(p)]));
    const big = ours[0].rmse_increase;
    expect(Math.abs(ours.find((r) => r.feature === 'c')!.rmse_increase)).toBeLessThan(0.05 * big);
    expect(Math.abs(ref[2])).toBeLessThan(0.05 * Math.max(...ref));
  });
});
