// ds.histogram against numpy's weighted histogram of the band GDAL reads, weighted by the true cell
// areas PROJ gives (pyproj get_factors: map area / areal scale), never against ds.summarize.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { verbsReferee } from './verbsReferee.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });

// Bins are centred on lo + k × width (a value goes to the nearest centre). The areas of a bin agree to
// 1e-6 relative: the same cells, our area formula against PROJ's, and sums taken in another order;
// a cell put in the neighbouring bin would move a whole cell (~100 km² on the 10 km sample), far more.
describe('ds.histogram(variable) against numpy with pyproj areas', () => {
  for (const [variable, file, lo, width, column] of [['magt', 'magt.tif', -60, 0.01, 'magt_c'], ['alt', 'alt.tif', 0, 0.1, 'alt_cm']] as const) {
    it(`${variable}: every bin's area (${width} wide) in 1980-1984 and 2015-2019 equals numpy's weighted histogram`, async () => {
      const table = await ds.histogram(variable, { periods: ['1980-1984', '2015-2019'] });
      for (const [period, band] of [['1980-1984', 1], ['2015-2019', 8]] as const) {
        const rows = (table.objects() as any[]).filter((r) => r.period === period);
        const ref = verbsReferee<Record<string, number>>(['histogram', join(sampleFolder(), file), band, lo, width]);
        const ours = Object.fromEntries(rows.map((r) => [r[column].toFixed(width === 0.01 ? 2 : 1), r.area_km2]));
        expect(Object.keys(ours).sort()).toEqual(Object.keys(ref).sort());
        for (const [bin, area] of Object.entries(ref)) expect(Math.abs(ours[bin] / area - 1), `${period} bin ${bin}`).toBeLessThan(1e-6);
        expect(Object.keys(ref).length).toBeGreaterThan(500);
      }
    });
  }
});
