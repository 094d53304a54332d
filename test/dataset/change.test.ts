// ds.change has two paths on the block engine: both periods in one file (the change kernel, on the
// workers) and a file per period (every block of `from`, then of `to`, placed here). They must agree.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder } from '../../src/dataset/openDataset.js';
import { referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-change-');
afterAll(() => tmp.cleanup());

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let wrong = 0;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) wrong++;
  return wrong;
}

describe('ds.change with the periods in one file and in a file each', () => {
  it('gives the same differences, classes and summary', async () => {
    const one = await openDataset(sampleFolder());
    const files = join(tmp.dir, 'files');
    referee('mkdir', ['-p', files]);
    // a file per period, GDAL-written with strips (a different block layout from the sample's tiles)
    for (const variable of ['magt', 'permafrost']) {
      one.periods.forEach((p, k) => referee('gdal_translate', ['-q', '-b', String(k + 1), join(sampleFolder(), `${variable}.tif`), join(files, `${variable}_${p.label}.tif`)]));
    }
    const apart = await openDataset(files);
    for (const variable of ['magt', 'permafrost'] as const) {
      const a = await one.change(variable, { from: '1980-1984', to: '2015-2019' });
      const b = await apart.change(variable, { from: '1980-1984', to: '2015-2019' });
      expect(sameBits(a.difference, b.difference), variable).toBe(0);
      if (variable === 'permafrost') expect(sameBits(a.classes!, b.classes!)).toBe(0);
      for (const key of ['mean_change', 'valid_area_km2', 'lost_km2', 'gained_km2'] as const) {
        expect(Math.abs(a.summary[key] - b.summary[key]), `${variable} ${key}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a.summary[key])));
      }
      expect(a.summary.valid_area_km2).toBeGreaterThan(1e6);
    }
    await one.close();
    await apart.close();
  }, 120_000);

  it('a period compared with itself, or asked for twice, is read into both places (a change of 0 over the valid area; two equal layers)', async () => {
    const ds = await openDataset(sampleFolder());
    const same = await ds.change('magt', { from: '2015-2019', to: '2015-2019' });
    const other = await ds.change('magt', { from: '1980-1984', to: '2015-2019' });
    expect(same.summary.mean_change).toBe(0);
    expect(same.summary.valid_area_km2).toBeCloseTo(other.summary.valid_area_km2, 6);
    const twice = await ds.layers('magt', { periods: ['2015-2019', '2015-2019'] });
    expect(sameBits(twice[0].values, twice[1].values)).toBe(0);
    expect(twice[1].values.some((v) => Number.isFinite(v))).toBe(true);
    await ds.close();
  }, 60_000);
});

