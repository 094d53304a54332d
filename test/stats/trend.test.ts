import { beforeAll, describe, expect, it } from 'vitest';
import { benjaminiHochberg, mannKendall, sensSlope } from '../../src/stats/trend.js';
import { medianNetwork } from '../../src/stats/trendKernel.js';
import { python, referee } from '../helpers.js';

const SCIPY = String.raw`
import json, sys
import numpy as np
from scipy.stats import theilslopes, kendalltau
out = []
for s in json.loads(sys.stdin.read()):
    x = np.array(s['x'], float); y = np.array([np.nan if v is None else v for v in s['y']], float)
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    ties = len(np.unique(y)) < len(y)
    slope = theilslopes(y, x)[0]
    p = None if ties else kendalltau(x, y, method='exact').pvalue
    out.append({'slope': slope, 'p': p, 'ties': bool(ties)})
print(json.dumps(out))
`;

function series(seed: number): { x: number[]; y: (number | null)[] }[] {
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const x = [1982, 1987, 1992, 1997, 2002, 2007, 2012, 2017];
  return Array.from({ length: 200 }, (_, k) => {
    const trend = (random() - 0.3) * 0.1;
    let y: (number | null)[] = x.map((t) => trend * (t - 1980) + (random() - 0.5));
    if (k % 4 === 1) y = y.map((v) => Math.round((v as number) * 2) / 2); // ties
    if (k % 5 === 2) y[Math.floor(random() * 8)] = null; // a missing period
    if (k % 7 === 3) y[2] = y[5] = null;
    return { x, y };
  });
}

describe('sensSlope and mannKendall agree with SciPy', () => {
  const input = series(20261124);
  let result: { slope: number; p: number | null; ties: boolean }[] | Error = [];
  // the referee runs in a hook, never at collection: without SciPy each test fails and says why
  beforeAll(() => { try { result = JSON.parse(referee(python, ['-c', SCIPY], JSON.stringify(input))); } catch (err) { result = err as Error; } });
  const scipyOf = () => { if (result instanceof Error) throw result; return result; };

  it('Sen\'s slope equals theilslopes on 200 series of 8 values, with ties and missing periods', () => {
    const scipy = scipyOf();
    input.forEach(({ x, y }, i) => {
      const ours = sensSlope(x, y.map((v) => (v === null ? NaN : v)));
      expect(Math.abs(ours - scipy[i].slope)).toBeLessThan(1e-12);
    });
  });

  it('the exact Mann–Kendall p-value equals kendalltau(method="exact") where there are no ties', () => {
    const scipy = scipyOf();
    let compared = 0;
    input.forEach(({ y }, i) => {
      const mk = mannKendall(y.map((v) => (v === null ? NaN : v)));
      expect(mk.method).toBe('exact');
      if (scipy[i].ties) return;
      expect(Math.abs(mk.p - scipy[i].p!)).toBeLessThan(1e-12);
      compared++;
    });
    expect(compared).toBeGreaterThan(100);
  });

  it('with ties, the p-value is exact: it equals a brute-force count over every ordering of the series', () => {
    let compared = 0;
    input.forEach(({ y }) => {
      const values = y.filter((v): v is number => v !== null);
      if (new Set(values).size === values.length) return;
      const mk = mannKendall(values);
      expect(mk.method).toBe('exact');
      expect(Math.abs(mk.p - bruteForceP(values))).toBeLessThan(1e-12);
      compared++;
    });
    expect(compared).toBeGreaterThan(30);
  });

  it('with n = 8, |S| = 18 is significant at 0.05 (p = 0.031) and 16 is not (p = 0.061), as DOMAIN.md says', () => {
    // S = 28 − 2 × inversions: 5 inversions give 18, 6 give 16
    const s18 = mannKendall([6, 1, 2, 3, 4, 5, 7, 8]);
    const s16 = mannKendall([7, 1, 2, 3, 4, 5, 6, 8]);
    expect([s18.s, Number(s18.p.toFixed(3))]).toEqual([18, 0.031]);
    expect([s16.s, Number(s16.p.toFixed(3))]).toEqual([16, 0.061]);
  });
});

describe('benjaminiHochberg(p, q)', () => {
  it('keeps every p-value up to the largest one below the step-up line k·q/m, and never NaN', () => {
    expect(Array.from(benjaminiHochberg([0.01, 0.02, 0.03, 0.5, NaN], 0.05))).toEqual([1, 1, 1, 0, 0]);
    // 0.035 and 0.04 are above their own lines, but 0.045 ≤ 4 × 0.05 / 4 carries them (step-up)
    expect(Array.from(benjaminiHochberg([0.04, 0.01, 0.035, 0.045], 0.05))).toEqual([1, 1, 1, 1]);
    expect(Array.from(benjaminiHochberg([0.02, 0.2, 0.3], 0.05))).toEqual([0, 0, 0]);
  });
});

/** P(|S| ≥ |S_observed|) over all n! orderings of the values (Heap's algorithm), for the tied-series test. */
function bruteForceP(values: number[]): number {
  const S = (v: number[]) => { let s = 0; for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) s += Math.sign(v[j] - v[i]); return s; };
  const observed = Math.abs(S(values));
  const a = values.slice();
  const c = new Array(a.length).fill(0);
  let hits = Math.abs(S(a)) >= observed ? 1 : 0, total = 1;
  for (let i = 0; i < a.length;) {
    if (c[i] < i) {
      const k = i % 2 ? c[i] : 0;
      [a[k], a[i]] = [a[i], a[k]];
      total++;
      if (Math.abs(S(a)) >= observed) hits++;
      c[i]++;
      i = 0;
    } else { c[i] = 0; i++; }
  }
  return hits / total;
}

describe('benjaminiHochberg against a numpy step-up (SciPy 1.10 has no false_discovery_control)', () => {
  for (const few of [false, true]) it(few ? 'gives the same discoveries on 20,000 p-values of 16 distinct values (counted by value) and some NaN' : 'gives the same discoveries on 20,000 p-values with many ties and some NaN (more distinct values than counted by value)', () => {
    let s = 7;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const exact = [0.000049603, 0.00024802, 0.0008, 0.0027, 0.0071, 0.0165, 0.031, 0.061, 0.108, 0.18, 0.27, 0.39, 0.54, 0.72, 0.9, 1];
    const p = Array.from({ length: 20_000 }, (_, i) => (i % 97 === 0 ? NaN : i % 3 || few ? exact[Math.floor(random() * exact.length)] : random() ** 3));
    const numpy = JSON.parse(referee(python, ['-c', `import json, sys
import numpy as np
p = np.array(json.loads(sys.stdin.read()), float)
ok = ~np.isnan(p); v = p[ok]; m = v.size
o = np.argsort(v, kind='stable'); k = np.nonzero(v[o] <= np.arange(1, m + 1) / m * 0.05)[0]
out = np.zeros(p.size, int)
if k.size: idx = np.nonzero(ok)[0][o[:k[-1] + 1]]; out[idx] = 1
print(json.dumps(out.tolist()))`], JSON.stringify(p.map((v) => (Number.isNaN(v) ? null : v)))));
    const ours = Array.from(benjaminiHochberg(Float32Array.from(p.map((v) => Math.fround(v))), 0.05));
    // numpy sorts float64; ours float32: compare on the float32 values the rasters hold
    const numpy32 = JSON.parse(referee(python, ['-c', `import json, sys
import numpy as np
p = np.array(json.loads(sys.stdin.read()), np.float32).astype(float)
ok = ~np.isnan(p); v = p[ok]; m = v.size
o = np.argsort(v, kind='stable'); k = np.nonzero(v[o] <= np.arange(1, m + 1) / m * 0.05)[0]
out = np.zeros(p.size, int)
if k.size: idx = np.nonzero(ok)[0][o[:k[-1] + 1]]; out[idx] = 1
print(json.dumps(out.tolist()))`], JSON.stringify(p.map((v) => (Number.isNaN(v) ? null : v)))));
    expect(ours).toEqual(numpy32);
    expect(numpy.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(1000);
  });
});

describe('the median network', () => {
  it('puts the middle value(s) of 2 to 45 values in place, with ties, as sorting does', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let n = 2; n <= 45; n++) {
      const network = medianNetwork(n);
      for (let trial = 0; trial < 200; trial++) {
        const a = Array.from({ length: n }, () => (trial % 3 === 0 ? Math.round(random() * 4) - 2 : random() - 0.5));
        const sorted = [...a].sort((x, y) => x - y);
        for (const [i, j] of network) if (a[j] < a[i]) [a[i], a[j]] = [a[j], a[i]];
        const middle = n % 2 ? [n >> 1] : [n / 2 - 1, n / 2];
        expect(middle.map((k) => a[k])).toEqual(middle.map((k) => sorted[k]));
      }
      // pruned to the comparators that decide the middle: fewer than a full sort's
      if (n >= 8) expect(network.length).toBeLessThan((n * Math.log2(n) ** 2) / 2);
    }
  });
});
