// ds.trend end to end: per-cell Sen's slope and exact Mann–Kendall against SciPy on sampled cells,
// against the series functions on every cell, and the same on every layout of the same data.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type Dataset, type TrendResult } from '../../src/dataset/openDataset.js';
import { sampleFolder } from '../../src/dataset/openDataset.js';
import { mannKendall, sensSlope } from '../../src/stats/trend.js';
import { InputError } from '../../src/errors.js';
import { python, referee, tempDir } from '../helpers.js';

const SCIPY = String.raw`
import json, sys
import numpy as np
from scipy.stats import theilslopes, kendalltau
out = []
for s in json.loads(sys.stdin.read()):
    x = np.array(s['x'], float); y = np.array(s['y'], float)
    slope = theilslopes(y, x)[0] * 10
    p = kendalltau(x, y, method='exact').pvalue if len(np.unique(y)) == len(y) else None
    out.append({'slope': slope, 'p': p})
print(json.dumps(out))
`;
import { asNumbers } from '../../src/geotiff/metadata.js';

const tmp = tempDir('permafrost-trend-');
afterAll(() => tmp.cleanup());
let ds: Dataset;
let magt: TrendResult;
beforeAll(async () => {
  ds = await openDataset(sampleFolder());
  magt = await ds.trend('magt');
}, 60_000);
afterAll(async () => { await ds.close(); });

async function series(cell: number): Promise<number[]> {
  const x = cell % ds.grid.width, y = Math.floor(cell / ds.grid.width);
  const { raster } = ds.raster('magt', ds.periods[0].label);
  const out = asNumbers(await raster.read({ window: { x, y, width: 1, height: 1 } }));
  return out.map((band) => band[0]).map((v) => (v === raster.noData ? NaN : v));
}

describe('ds.trend(variable) has a referee', () => {
  it('refuses permafrost (a presence, share or class has no slope per cell), naming what to use instead', async () => {
    await expect(ds.trend('permafrost')).rejects.toThrow(InputError);
    await expect(ds.trend('permafrost')).rejects.toThrow(/invalid variable: "permafrost" \(expected magt or alt.*ds\.change/);
  });

  it('slopes and p-values of 300 sampled cells equal SciPy (theilslopes ×10 per decade, kendalltau exact)', async () => {
    const valid: number[] = [];
    for (let i = 0; i < magt.slope_per_decade.length; i += 97) if (!Number.isNaN(magt.slope_per_decade[i])) valid.push(i);
    const cells = valid.filter((_, k) => k % Math.max(1, Math.floor(valid.length / 300)) === 0).slice(0, 300);
    const input = await Promise.all(cells.map(async (c) => ({ x: ds.periods.map((p) => p.mid_year), y: await series(c) })));
    const scipy = JSON.parse(referee(python, ['-c', SCIPY], JSON.stringify(input)));
    let exactCompared = 0;
    cells.forEach((c, k) => {
      expect(Math.abs(magt.slope_per_decade[c] - scipy[k].slope)).toBeLessThan(1e-5 * Math.max(1, Math.abs(scipy[k].slope)));
      if (scipy[k].p !== null) { expect(Math.abs(magt.p_value[c] - scipy[k].p)).toBeLessThan(1e-6); exactCompared++; }
    });
    expect(exactCompared).toBeGreaterThan(250);
  });

  it('every cell equals sensSlope and mannKendall of its series (slope to 1e-6, p exact in float32)', async () => {
    const { raster } = ds.raster('magt', ds.periods[0].label);
    const bands = asNumbers(await raster.read());
    const years = ds.periods.map((p) => p.mid_year);
    let checked = 0, wrong = 0;
    const y = new Float64Array(8);
    for (let i = 0; i < magt.slope_per_decade.length; i++) {
      for (let k = 0; k < 8; k++) { const v = bands[k][i]; y[k] = v === raster.noData ? NaN : v; }
      if (y.filter((v) => !Number.isNaN(v)).length < 4) { if (!Number.isNaN(magt.slope_per_decade[i])) wrong++; continue; }
      const slope = sensSlope(years, y) * 10;
      const p = Math.fround(mannKendall(y).p);
      if (Math.abs(magt.slope_per_decade[i] - slope) > 1e-6 * Math.max(1, Math.abs(slope)) || magt.p_value[i] !== p) wrong++;
      checked++;
    }
    expect(checked).toBeGreaterThan(300_000);
    expect(wrong).toBe(0);
  });

  it('a pixel-interleaved copy and a file per period give the same rasters', async () => {
    const pixel = join(tmp.dir, 'pixel');
    const files = join(tmp.dir, 'files');
    referee('mkdir', ['-p', pixel, files]);
    referee('gdal_translate', ['-q', '-co', 'INTERLEAVE=PIXEL', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', join(sampleFolder(), 'magt.tif'), join(pixel, 'magt.tif')]);
    ds.periods.forEach((p, k) => referee('gdal_translate', ['-q', '-b', String(k + 1), join(sampleFolder(), 'magt.tif'), join(files, `magt_${p.label}.tif`)]));
    for (const folder of [pixel, files]) {
      const other = await openDataset(folder);
      const t = await other.trend('magt');
      let wrong = 0;
      for (let i = 0; i < t.slope_per_decade.length; i++) {
        const a = t.slope_per_decade[i], b = magt.slope_per_decade[i];
        if (!(a === b || (Number.isNaN(a) && Number.isNaN(b))) || !(t.p_value[i] === magt.p_value[i] || (Number.isNaN(t.p_value[i]) && Number.isNaN(magt.p_value[i])))) wrong++;
      }
      expect(wrong, folder).toBe(0);
      expect(t.area_km2.valid).toBeCloseTo(magt.area_km2.valid, 3);
      await other.close();
    }
  });

  it('refuses, before allocating, trend rasters larger than the memory limit, naming what to do instead', async () => {
    process.env.PERMAFROST_MAX_MEMORY_MB = '1';
    try {
      await expect(ds.trend('magt')).rejects.toThrow(/LimitError|the trend rasters of magt .* would take about 9 MB, more than the limit of 1 MB .*; instead, /);
    } finally {
      delete process.env.PERMAFROST_MAX_MEMORY_MB;
    }
  });
});
