// ds.zoneAreas against numpy: windows of the permafrost layer GDAL reads, true cell areas from PROJ
// (test/referees.py zonation), every period asked for, windows that fit the grid and windows that don't.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { python, referee, root } from '../helpers.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });
const zonationReferee = (band: number, window: number) =>
  JSON.parse(referee(python, [join(root, 'test', 'referees.py'), 'zonation', join(sampleFolder(), 'permafrost.tif'), String(band), String(window), 'presence']));

// The same cells and windows on both sides, areas from our formula and from PROJ: 1e-6 relative.
describe('ds.zoneAreas against numpy with pyproj areas', () => {
  for (const window_cells of [5, 7]) {
    it(`windows of ${window_cells} cells${1030 % window_cells ? ' (a partial last row and column of windows)' : ''}: land and permafrost area of each zone, 1980-1984 and 2015-2019`, async () => {
      const rows = (await ds.zoneAreas({ window_cells, periods: ['1980-1984', '2015-2019'] })).objects() as any[];
      expect(rows.length).toBe(10);
      for (const [period, band] of [['1980-1984', 1], ['2015-2019', 8]] as const) {
        const ref = zonationReferee(band, window_cells);
        rows.filter((r) => r.period === period).forEach((row, z) => {
          for (const k of ['region_area_km2', 'permafrost_area_km2'] as const) {
            expect(Math.abs(row[k] - ref[k][z]), `${period} ${row.zone} ${k}`).toBeLessThanOrEqual(1e-6 * Math.max(1, ref[k][z]));
          }
        });
      }
    });
  }
});
