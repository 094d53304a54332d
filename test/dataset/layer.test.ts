// ds.layer / ds.layers cut to a region: GDAL reads the band, numpy masks it with the region and
// averages the blocks; a region without cells is an error, never a map of the whole hemisphere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { regionMask } from '../../src/dataset/regions.js';
import { InputError } from '../../src/errors.js';
import { python, referee, tempDir } from '../helpers.js';

let ds: Dataset;
const tmp = tempDir('permafrost-layer-');
beforeAll(async () => { ds = await openDataset(sampleFolder()); });
afterAll(async () => { await ds.close(); tmp.cleanup(); });

/** GDAL's band of magt.tif masked by `mask`, cut to the mask's window and averaged over `factor` × `factor` blocks by numpy. */
function refereeLayer(mask: Uint8Array, band: number, factor: number): { x: number; y: number; width: number; height: number; values: number[] } {
  const path = join(tmp.dir, `mask-${factor}.u8`);
  writeFileSync(path, mask);
  return JSON.parse(referee(python, ['-c', `
import json, sys, numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); b = ds.GetRasterBand(${band + 1})
a = b.ReadAsArray().astype('float64'); nd = b.GetNoDataValue()
m = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(a.shape).astype(bool)
a[(a == nd) | ~m] = np.nan
rows, cols = np.nonzero(m); y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
w = a[y0:y1, x0:x1]; f = ${factor}
H, W = -(-w.shape[0] // f), -(-w.shape[1] // f)
p = np.full((H * f, W * f), np.nan); p[:w.shape[0], :w.shape[1]] = w
blocks = p.reshape(H, f, W, f).swapaxes(1, 2).reshape(H, W, f * f)
with np.errstate(all='ignore'): mean = np.nanmean(blocks, axis=2)
print(json.dumps({'x': int(x0), 'y': int(y0), 'width': int(W), 'height': int(H), 'values': [None if np.isnan(v) else float(v) for v in mean.ravel()]}))
`, join(sampleFolder(), 'magt.tif'), path]));
}

describe('ds.layer(variable, period, { region })', () => {
  it('cuts the layer to the region\'s window, NaN outside it, equal to GDAL\'s band masked by numpy (full cells and 4 × 4 blocks)', async () => {
    const mask = regionMask(ds.grid, 'alaska');
    for (const max_cells_across of [undefined, 60]) {
      const layer = await ds.layer('magt', '2015-2019', { region: 'alaska', max_cells_across });
      const ref = refereeLayer(mask, 7, layer.factor);
      expect(layer.factor).toBe(max_cells_across ? 5 : 1);
      expect([layer.width, layer.height]).toEqual([ref.width, ref.height]);
      const t = ds.grid.transform;
      expect(layer.transform.originX).toBe(t.originX + ref.x * t.pixelWidth);
      expect(layer.transform.originY).toBe(t.originY + ref.y * t.pixelHeight);
      expect([layer.region, layer.value]).toEqual(['alaska', 'magt_c']);
      let compared = 0;
      ref.values.forEach((v, i) => {
        if (v === null) expect(layer.values[i], `cell ${i}`).toBeNaN();
        else { expect(Math.abs(layer.values[i] - v), `cell ${i}`).toBeLessThan(1e-5); compared++; }
      });
      expect(compared).toBeGreaterThan(max_cells_across ? 500 : 10_000);
    }
  }, 60_000);

  it('ds.layers with a region gives every period on the same window, and maps only the region', async () => {
    const { mapFigure } = await import('../../src/plot/mapFigure.js');
    const all = await ds.layers('magt', { region: 'alaska', max_cells_across: 50 });
    expect(all.map((l) => l.period)).toEqual(ds.periods.map((p) => p.label));
    expect(new Set(all.map((l) => `${l.width}x${l.height}@${l.transform.originX}`)).size).toBe(1);
    const whole = await ds.layer('magt', '2015-2019', { max_cells_across: 50 });
    const fig = mapFigure(all, { dataset: ds });
    const x = (fig.data[0] as any).x as number[];
    // Alaska's window spans about 2,900 km across, the whole grid 10,300 km
    expect(x.at(-1)! - x[0]).toBeLessThan(3_500);
    expect((whole.width - 1) * whole.transform.pixelWidth / 1000).toBeGreaterThan(10_000);
  }, 60_000);

  it('an unknown region names the closest ones; a polygon with no cell on the grid is an InputError naming the regions that have cells', async () => {
    await expect(ds.layer('magt', '2015-2019', { region: 'alsaka' })).rejects.toThrow(/invalid region: "alsaka" \(expected one of alaska, .*closest: alaska/);
    const tropics = { type: 'Polygon' as const, coordinates: [[[10, 10], [20, 10], [20, 20], [10, 20], [10, 10]]] };
    await expect(ds.layer('magt', '2015-2019', { region: tropics })).rejects.toThrow(InputError);
    await expect(ds.table('magt', '2015-2019', { region: tropics })).rejects.toThrow(/a region with cells on this 1030 × 1030 grid \(it has none\); regions with cells here: alaska, canada/);
  });
});
