// Referees for the verbs whose numbers only the notebooks used to show: change, zonation and the
// percentiles of summarize, against rasterio + numpy with the same area weights (test/referees.py).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { python, referee, root } from '../helpers.js';

const script = join(root, 'test', 'referees.py');
const file = (name: string) => join(sampleFolder(), name);
let ds: Dataset;
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); });
const numpy = (...args: string[]) => JSON.parse(referee(python, [script, ...args]));

describe('verbs against numpy with the same area weights', () => {
  it('change(magt): the mean change, its area and the area that went above 0 °C', async () => {
    const ours = await ds.change('magt', { from: '1980-1984', to: '2015-2019' });
    const ref = numpy('change', file('magt.tif'), '1', '8', 'below0');
    expect(Math.abs(ours.summary.mean_change - ref.mean_change)).toBeLessThan(1e-6);
    for (const k of ['valid_area_km2', 'lost_km2', 'gained_km2'] as const) expect(Math.abs(ours.summary[k] / ref[k] - 1), k).toBeLessThan(1e-6);
  });

  it('change(permafrost): area lost and gained', async () => {
    const ours = await ds.change('permafrost', { from: '1980-1984', to: '2015-2019' });
    const ref = numpy('change', file('permafrost.tif'), '1', '8', 'presence');
    expect(Math.abs(ours.summary.lost_km2 / ref.lost_km2 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(ours.summary.gained_km2 - ref.gained_km2)).toBeLessThan(1e-6 * Math.max(1, ref.gained_km2));
  });

  it('zonation: land and permafrost area of each zone (windows of 5 cells)', async () => {
    const ours = (await ds.zonation('2000-2004', { window_cells: 5 })).table.objects() as any[];
    const ref = numpy('zonation', file('permafrost.tif'), '5', '5', 'presence');
    ours.forEach((row, z) => {
      expect(Math.abs(row.region_area_km2 - ref.region_area_km2[z])).toBeLessThan(1e-6 * Math.max(1, ref.region_area_km2[z]));
      expect(Math.abs(row.permafrost_area_km2 - ref.permafrost_area_km2[z])).toBeLessThan(1e-6 * Math.max(1, ref.permafrost_area_km2[z]));
    });
    expect(ours.find((r) => r.zone === 'continuous').region_area_km2).toBeGreaterThan(1e6);
  });

  it('summarize percentiles equal numpy\'s area-weighted quantiles within one histogram bin (0.01 °C, 0.1 cm)', async () => {
    const rows = (await ds.summarize({ by: ['period'] })).objects() as any[];
    for (const [k, period] of [[1, rows[0]], [8, rows[7]]] as const) {
      const magt = numpy('quantiles', file('magt.tif'), String(k), '0.1', '0.5', '0.9');
      const alt = numpy('quantiles', file('alt.tif'), String(k), '0.1', '0.5', '0.9');
      [period.magt_c_p10, period.magt_c_p50, period.magt_c_p90].forEach((q: number, i: number) => expect(Math.abs(q - magt[i])).toBeLessThanOrEqual(0.01));
      [period.alt_cm_p10, period.alt_cm_p50, period.alt_cm_p90].forEach((q: number, i: number) => expect(Math.abs(q - alt[i])).toBeLessThanOrEqual(0.1));
    }
  });
});
