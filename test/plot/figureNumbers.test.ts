// The figure builders' numbers: what each draws equals what the dataset's tables hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { areaFigure } from '../../src/plot/areaFigure.js';
import { differenceMap } from '../../src/plot/differenceMap.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { downsample } from '../../src/plot/mapFigure.js';
import { trendFigure } from '../../src/plot/trendFigure.js';
import { trendMap } from '../../src/plot/trendMap.js';
import { weightedMedian } from '../../src/stats/weightedQuantile.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });

describe('figures plot what the tables hold', () => {
  it('trendFigure: each region\'s curve is its area-weighted mean per period', async () => {
    const summary = await ds.summarize({ by: ['period', 'region'] });
    const rows = summary.objects() as any[];
    const fig = trendFigure(summary, { group: 'region', groups: ['alaska', 'east_siberia'] });
    const curves = (fig.data as any[]).filter((t) => t.mode === 'lines+markers');
    expect(curves).toHaveLength(2);
    for (const [k, region] of ['alaska', 'east_siberia'].entries()) {
      const expected = rows.filter((r) => r.region === region).map((r) => r.magt_c_mean);
      expect(curves[k].y).toEqual(expected);
    }
  });

  it('areaFigure: the permafrost area per period in million km²', async () => {
    const rows = (await ds.summarize()).objects() as any[];
    const fig = areaFigure(rows);
    expect((fig.data[0] as any).y).toEqual(rows.map((r) => r.permafrost_area_km2 / 1e6));
  });

  it('histogramFigure of ds.histogram: shares add up to the drawn range, medians are the summary\'s p50', async () => {
    const bins = await ds.histogram('magt');
    const fig = histogramFigure(bins, { periods: ['1980-1984', '2015-2019'] });
    const rows = (await ds.summarize()).objects() as any[];
    const shapes = (fig.layout as any).shapes as any[];
    expect(shapes[0].x0).toBeCloseTo(rows[0].magt_c_p50, 6);
    expect(shapes[1].x0).toBeCloseTo(rows[7].magt_c_p50, 6);
    for (const trace of fig.data as any[]) {
      const total = trace.y.reduce((a: number, b: number) => a + b, 0);
      expect(total).toBeGreaterThan(98.9); // the 0.5–99.5 % range drawn
      expect(total).toBeLessThanOrEqual(100 + 1e-9);
    }
    const first = (bins.objects() as any[]).filter((r) => r.period === '1980-1984');
    expect(weightedMedian(first.map((r) => r.magt_c), first.map((r) => r.area_km2))).toBeCloseTo(rows[0].magt_c_p50, 6);
  });

  it('trendMap and differenceMap: the map cells are block means of the result\'s cells', async () => {
    const trend = await ds.trend('magt');
    const fig = trendMap(trend, { max_cells_across: 200 });
    const significant = Float32Array.from(trend.slope_per_decade, (s, i) => (trend.significant[i] ? s : NaN));
    const { z } = downsample({ values: significant, ...trend.grid }, 200);
    expect((fig.data[0] as any).z).toEqual(z);
    const change = await ds.change('magt', { from: '1980-1984', to: '2015-2019' });
    const map = differenceMap(change, { max_cells_across: 200 });
    expect((map.data[0] as any).z).toEqual(downsample({ values: change.difference, ...change.grid }, 200).z);
  });
});
