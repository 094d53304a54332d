// The streaming verbs that let the notebooks run at 1 km: each equals what the whole-grid way gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { summarizeTrend } from '../../src/dataset/trendOutputs.js';
import { weightedMedian } from '../../src/stats/weightedQuantile.js';
import { regionLabels, REGIONS } from '../../src/dataset/regions.js';
import { cellArea } from '../../src/grid/cellArea.js';
import { downsample } from '../../src/plot/mapFigure.js';
import { LimitError } from '../../src/errors.js';
import { python, referee } from '../helpers.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });

describe('streaming verbs equal the whole-grid computation', () => {
  it('layer({ max_cells_across }) gives the block means mapFigure computes from the full layer', async () => {
    const full = await ds.layer('magt', '2015-2019');
    const coarse = await ds.layer('magt', '2015-2019', { max_cells_across: 200 });
    const { z, factor } = downsample(full, 200);
    expect(coarse.factor).toBe(factor);
    expect([coarse.width, coarse.height]).toEqual([z[0].length, z.length]);
    let checked = 0;
    z.forEach((row, r) => row.forEach((v, c) => {
      const ours = coarse.values[r * coarse.width + c];
      if (v === null) expect(ours).toBeNaN(); else { expect(Math.abs(ours - v)).toBeLessThan(6e-4); checked++; } // downsample rounds to 0.001
    }));
    expect(checked).toBeGreaterThan(10_000);
  });

  it('layers(variable) gives every period\'s block means, each tile decoded once for all periods, equal to each full layer downsampled', async () => {
    const all = await ds.layers('magt', { max_cells_across: 150 });
    expect(all.map((l) => l.period)).toEqual(ds.periods.map((p) => p.label));
    for (const k of [0, 7]) {
      const { z } = downsample(await ds.layer('magt', ds.periods[k].label), 150);
      let checked = 0;
      z.forEach((row, r) => row.forEach((v, c) => {
        const ours = all[k].values[r * all[k].width + c];
        if (v === null) expect(ours).toBeNaN(); else { expect(Math.abs(ours - v)).toBeLessThan(6e-4); checked++; }
      }));
      expect(checked).toBeGreaterThan(5_000);
    }
    expect(all[7].values.some((v, i) => Math.abs(v - all[0].values[i]) > 0.01)).toBe(true);
  });

  it('zoneAreas() (windows summed on the workers) equals the tables of zonation(period) (row by row here), every period', async () => {
    const all = (await ds.zoneAreas()).objects() as any[];
    expect(new Set(all.map((r) => r.period)).size).toBe(ds.periods.length);
    for (const period of [ds.periods[0].label, ds.periods[7].label]) {
      const one = (await ds.zonation(period)).table.objects() as any[];
      const mine = all.filter((r) => r.period === period);
      expect(mine.map((r) => [r.period, r.mid_year, r.zone])).toEqual(one.map((r) => [r.period, r.mid_year, r.zone]));
      // the same cells in each zone; only the order of the additions differs
      mine.forEach((r, i) => {
        expect(r.region_area_km2).toBeCloseTo(one[i].region_area_km2, 6);
        expect(r.permafrost_area_km2).toBeCloseTo(one[i].permafrost_area_km2, 6);
      });
      expect(mine.filter((r) => r.region_area_km2 > 0).length).toBeGreaterThanOrEqual(4);
    }
  });

  it('histogram(variable) holds each period\'s area-weighted distribution: its total area, mean and median equal summarize\'s', async () => {
    const h = await ds.histogram('magt');
    const s = (await ds.summarize({ by: ['period'], variables: ['magt'] })).objects() as any[];
    for (const row of s) {
      const bins = (h.params({ p: row.period }).filter((d: any, $: any) => d.period === $.p).objects() as any[]);
      const area = bins.reduce((a, b) => a + b.area_km2, 0);
      const mean = bins.reduce((a, b) => a + b.area_km2 * b.magt_c, 0) / area;
      expect(Math.abs(area / row.magt_c_valid_area_km2 - 1)).toBeLessThan(1e-9);
      expect(Math.abs(mean - row.magt_c_mean)).toBeLessThan(0.005); // bins of 0.01 °C
      expect(weightedMedian(bins.map((b) => b.magt_c), bins.map((b) => b.area_km2))).toBeCloseTo(row.magt_c_p50, 6);
    }
  });

  it('summarizeTrend: areas by region and the weighted median slope (within its bin) equal a direct computation', async () => {
    const trend = await ds.trend('magt', { fdr: true });
    const rows = summarizeTrend(trend).objects() as any[];
    const { labels } = regionLabels(ds.grid);
    const area = cellArea(ds.grid);
    for (const label of [0, 1, REGIONS.findIndex((r) => r.id === 'east_siberia') + 1]) {
      const slopes: number[] = [], weights: number[] = [];
      let up = 0;
      for (let i = 0; i < trend.slope_per_decade.length; i++) {
        const s = trend.slope_per_decade[i];
        if (Number.isNaN(s) || (label && labels[i] !== label)) continue;
        const w = area.at(i % ds.grid.width, Math.floor(i / ds.grid.width));
        slopes.push(s); weights.push(w);
        if (trend.significant[i] && s > 0) up += w;
      }
      const row = rows.find((r) => r.region === (label ? REGIONS[label - 1].id : 'all land'));
      expect(Math.abs(row.valid_area_km2 / weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
      expect(Math.abs(row.increasing_significant_km2 - up)).toBeLessThan(1e-6 * Math.max(1, up));
      // the median is exact to one of 100,000 bins between the smallest and the largest slope
      let lo = Infinity, hi = -Infinity;
      for (const s of trend.slope_per_decade) if (s === s) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
      expect(Math.abs(row.median_slope_per_decade - weightedMedian(slopes, weights))).toBeLessThanOrEqual((hi - lo) / 1e5);
      expect(Object.keys(row)).not.toContain('median_bin_width');
    }
  });

  it('weightedMedian equals numpy\'s weighted median (the value where the cumulative weight reaches half)', () => {
    const values = Array.from({ length: 501 }, (_, i) => Math.sin(i * 1.7) * 10);
    const weights = Array.from({ length: 501 }, (_, i) => 0.5 + ((i * 37) % 11));
    const numpy = Number(referee(python, ['-c', `import numpy as np, json, sys
v, w = map(np.array, json.loads(sys.stdin.read()))
o = np.argsort(v, kind='stable'); c = np.cumsum(w[o])
print(repr(float(v[o][np.searchsorted(c, c[-1] / 2)])))`], JSON.stringify([values, weights])));
    expect(weightedMedian(values, weights)).toBe(numpy);
  });
});

describe('summaries reuse the passes already made', () => {
  it('a summary by period from a cached pass by period and region (groups merged) equals a fresh one, and takes no pass', async () => {
    const fresh = await openDataset(sampleFolder());
    const direct = (await fresh.summarize({ by: ['period'] })).objects() as any[];
    await fresh.close();
    const other = await openDataset(sampleFolder());
    await other.summarize({ by: ['period', 'region'] });
    const stats = other.raster('magt', '1980-1984').raster.stats;
    const before = { ...stats };
    const derived = (await other.summarize({ by: ['period'] })).objects() as any[];
    const after = { ...stats };
    await other.close();
    expect(derived.length).toBe(direct.length);
    direct.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) {
        if (typeof v === 'number') expect(Math.abs((derived[i][k] as number) - v), k).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
        else expect(derived[i][k]).toBe(v);
      }
    });
    expect(after).toEqual(before); // not a byte read: the cached groups were merged
  });
});

describe('calls that would not fit in memory are refused before allocating', () => {
  it('table, tables, layer, change and trend throw a LimitError that names the alternatives', async () => {
    process.env.PERMAFROST_MAX_MEMORY_MB = '2';
    try {
      const heapBefore = process.memoryUsage().heapUsed;
      await expect(ds.table('magt', '2015-2019')).rejects.toThrow(LimitError);
      await expect(ds.table('magt', '2015-2019')).rejects.toThrow(/the magt table of 2015-2019 \(about [\d,]+ rows\) would take about \d+ MB, more than the limit of 2 MB .*instead, take a region \(\{ region: 'alaska' \}\) or a box \(\{ bbox \}\), fewer cells \(\{ cell_km: .*ds\.summarize .*ds\.histogram .*ds\.layer\(…, \{ max_cells_across \}\)/);
      await expect(ds.tables('magt', { step: 2 })).rejects.toThrow(/the magt table of all 8 periods/);
      await expect(ds.layer('magt', '2015-2019')).rejects.toThrow(/pass \{ max_cells_across: 1000 \}/);
      await expect(ds.change('magt', { from: '1980-1984', to: '2015-2019' })).rejects.toThrow(LimitError);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 2 ** 20);
      // what the message proposes works within the same limit
      expect((await ds.table('magt', '2015-2019', { cell_km: 100 })).numRows()).toBeGreaterThan(1000);
      expect((await ds.layer('magt', '2015-2019', { max_cells_across: 100 })).width).toBeLessThanOrEqual(100);
    } finally {
      delete process.env.PERMAFROST_MAX_MEMORY_MB;
    }
  });
});
