import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { mergeMoments, momentsOf, summarizeMoments } from '../../src/stats/moments.js';
import { rasterStatistics } from '../../src/stats/rasterStatistics.js';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { python, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-stats-');
afterAll(() => tmp.cleanup());
const script = join(root, 'test/stats/weighted_stats.py');

function expectClose(ours: number, theirs: number, relative = 1e-6): void {
  expect(Math.abs(ours - theirs) / Math.max(1e-12, Math.abs(theirs)), `${ours} vs ${theirs}`).toBeLessThan(relative);
}

describe('rasterStatistics(raster) agrees with rasterio + numpy to 1e-6', () => {
  let sampleDir: string;
  beforeAll(async () => {
    sampleDir = join(tmp.dir, 'sample');
    await generateSyntheticProduct({ out: sampleDir, resolution_m: 25_000, parts: ['magt', 'alt'] });
  }, 60_000);

  for (const file of ['magt.tif', 'alt.tif']) {
    it(`on the sample's ${file} (band-interleaved, worker reduce)`, async () => {
      const path = join(sampleDir, file);
      const raster = await openRaster(path);
      const ours = await rasterStatistics(raster);
      await raster.close();
      const theirs = JSON.parse(referee(python, [script, path]));
      ours.forEach((s, i) => {
        for (const key of ['mean', 'sd', 'min', 'max', 'valid_area_km2'] as const) expectClose(s[key], theirs[i][key]);
      });
      expect(ours.map((s) => s.name)).toEqual(['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019']);
    });
  }

  it('on a pixel-interleaved file (decoded on the main thread)', async () => {
    const path = join(tmp.dir, 'pixel.tif');
    referee('gdal_translate', ['-q', '-co', 'INTERLEAVE=PIXEL', '-co', 'TILED=YES', '-co', 'COMPRESS=LZW', join(sampleDir, 'magt.tif'), path]);
    const raster = await openRaster(path);
    expect(raster.layout.interleave).toBe('pixel');
    const ours = await rasterStatistics(raster, { bands: [0, 7] });
    await raster.close();
    const theirs = JSON.parse(referee(python, [script, path]));
    expectClose(ours[0].mean, theirs[0].mean);
    expectClose(ours[1].sd, theirs[7].sd);
  });
});

describe('moments', () => {
  it('merge in any order to the moments of the whole', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 + (i % 7));
    const weights = values.map((_, i) => 0.7 + (i % 13) / 10);
    const whole = summarizeMoments(momentsOf(values, weights, null));
    const parts = [0, 137, 500, 501, 1000].slice(0, -1).map((start, k, starts) => {
      const end = [137, 500, 501, 1000][k];
      void starts;
      return momentsOf(values.slice(start, end), weights.slice(start, end), null);
    });
    const forward = summarizeMoments(parts.reduce(mergeMoments));
    const backward = summarizeMoments([...parts].reverse().reduce(mergeMoments));
    for (const s of [forward, backward]) {
      expectClose(s.mean, whole.mean, 1e-12);
      expectClose(s.sd, whole.sd, 1e-12);
      expect([s.min, s.max, s.cells]).toEqual([whole.min, whole.max, whole.cells]);
    }
  });

  it('skip NaN and the nodata value', () => {
    const m = summarizeMoments(momentsOf([1, NaN, -9999, 3], [1, 1, 1, 3], -9999));
    expect(m).toEqual({ mean: 2.5, sd: Math.sqrt(0.75), min: 1, max: 3, valid_area_km2: 4, cells: 2 });
  });
});
