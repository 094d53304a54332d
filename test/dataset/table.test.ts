// ds.table values against GDAL: every valid cell whose centre lies in a box (projected metres), its
// value as GDAL reads it, its centre's lon/lat and its true area from PROJ.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { verbsReferee } from './verbsReferee.js';

let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });

describe('ds.table(variable, period, { bbox }) against GDAL and PROJ', () => {
  // Values: the same float32 cells (1e-6). Lon/lat: float32 columns against PROJ's doubles, 1e-5°
  // (half a float32 step at 180° is 7.6e-6°). Areas: our formula in float32 against PROJ's areal scale, 1e-6 relative.
  for (const [variable, file, band, period, column] of [['magt', 'magt.tif', 8, '2015-2019', 'magt_c'], ['alt', 'alt.tif', 3, '1990-1994', 'alt_cm']] as const) {
    it(`${variable} ${period}: one row per valid cell of the box (edges included), with GDAL's value, PROJ's lon/lat and area`, async () => {
      // Canada's Arctic coast (land, sea and lakes); every side of the box runs through a row or column of cell centres
      const box = { west: -2_595_000, south: 405_000, east: -1_905_000, north: 1_095_000 };
      const rows = (await ds.table(variable, period, { bbox: box })).objects() as any[];
      const ref = verbsReferee<number[][]>(['box', join(sampleFolder(), file), band, box.west, box.south, box.east, box.north]);
      expect(rows.length).toBe(ref.length);
      expect(ref.length).toBeGreaterThan(1_000);
      expect(ref.length).toBeLessThan(70 * 70); // some cells without data are left out
      const byCell = new Map(rows.map((r) => [`${r.x_m},${r.y_m}`, r]));
      for (const [x, y, lon, lat, value, area] of ref) {
        const row = byCell.get(`${x},${y}`);
        expect(row, `cell ${x},${y}`).toBeDefined();
        expect(Math.abs(row[column] - value), `value at ${x},${y}`).toBeLessThan(1e-6);
        expect(Math.max(Math.abs(row.lon - lon), Math.abs(row.lat - lat)), `lon/lat at ${x},${y}`).toBeLessThan(1e-5);
        expect(Math.abs(row.area_km2 / area - 1), `area at ${x},${y}`).toBeLessThan(1e-6);
      }
    });
  }
});
