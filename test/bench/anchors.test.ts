// The benchmark's anchors (src/bench/*.py, shipped in the build beside bench.js) are referees too:
// `npm run bench` reports a speed ratio only when ours and the anchor agree. Here, on the 10 km
// sample, the rasterio anchor agrees with test/stats/weighted_stats.py (cell areas from PROJ) and
// the trend anchor's Sen's slopes with SciPy's theilslopes on a window, so the bench compares against right answers.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleFolder } from '../../src/dataset/openDataset.js';
import { built, python, referee, root, tempDir } from '../helpers.js';

const magt = () => join(sampleFolder(), 'magt.tif');
const tmp = tempDir('permafrost-bench-');
afterAll(() => tmp.cleanup());

describe('the bench anchors against independent referees', () => {
  it('anchor.py (rasterio, Snyder\'s scale factor) equals weighted_stats.py (pyproj areal scale) on every band: 1e-9 relative', () => {
    const anchor = JSON.parse(referee(python, [join(built, 'bench', 'anchor.py'), magt(), '1']).trim().split('\n').pop()!);
    const ref = JSON.parse(referee(python, [join(root, 'test', 'stats', 'weighted_stats.py'), magt()]));
    expect(anchor.bands).toHaveLength(8);
    anchor.bands.forEach((b: any, i: number) => {
      for (const k of ['mean', 'sd', 'valid_area_km2']) expect(Math.abs(b[k] / ref[i][k] - 1), `band ${i + 1} ${k}`).toBeLessThan(1e-9);
      for (const k of ['min', 'max']) expect(b[k], `band ${i + 1} ${k}`).toBe(ref[i][k]);
    });
  });

  it('trend_anchor.py: the mean Sen\'s slope per decade over the cells with all periods equals SciPy\'s theilslopes (a 60 × 60 window, 1e-9)', () => {
    const window = join(tmp.dir, 'window.tif');
    referee('gdal_translate', ['-q', '-srcwin', '300', '400', '60', '60', magt(), window]);
    const anchor = JSON.parse(referee(python, [join(built, 'bench', 'trend_anchor.py'), window]).trim().split('\n').pop()!);
    const scipy = JSON.parse(referee(python, ['-c', String.raw`
import json, sys
import numpy as np
from osgeo import gdal
from scipy.stats import theilslopes
ds = gdal.Open(sys.argv[1])
a = ds.ReadAsArray().astype('float64').reshape(ds.RasterCount, -1)
ok = (a != -9999).all(axis=0)
years = np.array([1982 + 5 * k for k in range(ds.RasterCount)], float)
slopes = [theilslopes(a[:, c], years)[0] * 10 for c in np.nonzero(ok)[0]]
print(json.dumps({'cells': int(ok.sum()), 'mean_slope': float(np.mean(slopes))}))
`, window]));
    expect(anchor.cells).toBe(scipy.cells);
    expect(anchor.cells).toBeGreaterThan(1_000);
    expect(Math.abs(anchor.mean_slope_per_decade - scipy.mean_slope)).toBeLessThan(1e-9);
  });
});
