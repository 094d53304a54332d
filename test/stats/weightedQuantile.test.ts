// One weighted quantile by cumulative weight, checked against numpy's inverted-CDF quantile of the
// values repeated by their (whole) weights: the smallest value whose share of the weight reaches q.
import { describe, expect, it } from 'vitest';
import { cumulativePositions, weightedMedian, weightedQuantiles } from '../../src/stats/weightedQuantile.js';
import { quantiles } from '../../src/dataset/summarize.js';
import { python, referee } from '../helpers.js';

const QS = [0, 0.005, 0.1, 0.25, 0.5, 0.75, 0.9, 0.995, 1];

/** numpy.quantile(np.repeat(values, weights), qs, method='inverted_cdf'), NaN values left out. */
function numpyQuantiles(values: number[], weights: number[], qs: number[]): number[] {
  return JSON.parse(referee(python, ['-c', `import json, sys, numpy as np
v, w, q = json.loads(sys.stdin.read())
v = np.array([np.nan if x is None else x for x in v]); w = np.array(w)
keep = ~np.isnan(v)
print(json.dumps([float(x) for x in np.quantile(np.repeat(v[keep], w[keep]), q, method='inverted_cdf')]))`],
  JSON.stringify([values.map((v) => (Number.isNaN(v) ? null : v)), weights, qs])));
}

describe('weightedQuantiles(values, weights, qs)', () => {
  it('equals numpy\'s inverted-CDF quantiles of the values repeated by their weights (NaN left out, ties and exact hits included)', () => {
    const values = Array.from({ length: 301 }, (_, i) => (i % 29 === 0 ? NaN : Math.round(Math.sin(i * 1.7) * 40) / 4));
    const weights = Array.from({ length: 301 }, (_, i) => 1 + ((i * 37) % 9));
    expect(weightedQuantiles(values, weights, QS)).toEqual(numpyQuantiles(values, weights, QS));
    expect(weightedMedian(values, weights)).toBe(numpyQuantiles(values, weights, [0.5])[0]);
  });

  it('gives NaN for each q when no value is finite, and the one value when there is one', () => {
    expect(weightedQuantiles([NaN, Infinity], [1, 1], [0.1, 0.9])).toEqual([NaN, NaN]);
    expect(weightedQuantiles([4], [0.3], [0, 0.5, 1])).toEqual([4, 4, 4]);
  });
});

describe('cumulativePositions(hist, qs, total): quantiles of a histogram', () => {
  it('is the bin numpy\'s inverted-CDF quantile falls in, and summarize\'s quantiles are those bins\' lower edges', () => {
    const hist = Float64Array.from({ length: 120 }, (_, i) => ((i * 7919) % 13 === 0 ? 0 : (i * 31) % 7));
    const total = hist.reduce((a, b) => a + b, 0);
    const bins = numpyQuantiles(Array.from(hist, (_, i) => i), Array.from(hist), QS);
    expect(cumulativePositions(hist, QS, total)).toEqual(bins);
    const lo = -30, width = 0.01;
    expect(quantiles(hist, total, lo, width, QS)).toEqual(bins.map((b) => Number((lo + b * width).toFixed(2))));
  });

  it('takes positions in a given order, and ends on the last position when rounding leaves the sum short', () => {
    expect(cumulativePositions([5, 1, 1], [0.5], 7, [1, 2, 0])).toEqual([2]);
    expect(cumulativePositions([0.1, 0.1, 0.1], [1], 0.3000001)).toEqual([2]);
    expect(cumulativePositions([], [0.5], 0)).toEqual([-1]);
  });
});
