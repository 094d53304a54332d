// ds.layer / ds.layers cut to a region: GDAL reads the band, numpy masks it with the region and
// averages the blocks; a region without cells is an error, never a map of the whole hemisphere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { regionMask } from '../../src/dataset/regions.js';
import { InputError } from '../../src/errors.js';
import { python, referee, tempDir } from '../helpers.js';
import { verbsReferee } from './verbsReferee.js';

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

/** Cell by cell: NaN where the referee has no value (null), else within `tolerance`; returns how many cells had values. */
function expectCells(values: Float32Array, ref: (number | null)[], tolerance: number): number {
  expect(values.length).toBe(ref.length);
  let compared = 0;
  ref.forEach((v, i) => {
    if (v === null) expect(values[i], `cell ${i}`).toBeNaN();
    else { expect(Math.abs(values[i] - v), `cell ${i}: ${values[i]} vs ${v}`).toBeLessThanOrEqual(tolerance); compared++; }
  });
  return compared;
}

// Whole-grid block means against gdalwarp -r average onto the grid coarsened `factor` times from the
// same origin, and permafrost shares against numpy with PROJ's cell areas. 1030 cells in blocks of
// 7 leave a last column and row of blocks one cell wide: both average the cells there are. GDAL
// leaves nodata out and averages in double; the layer is float32, so values agree to float32
// rounding: 1e-5 °C / cm over values below 3000 (float32 ulp at 3000 is 2.4e-4, hence 5e-4 for ALT).
describe('ds.layer / ds.layers block means (max_cells) against GDAL and numpy', () => {
  it('magt 2015-2019, max_cells 148 (7 × 7 blocks, a partial last row and column): equal to gdalwarp -r average', async () => {
    const layer = await ds.layer('magt', '2015-2019', { max_cells: 148 });
    const ref = verbsReferee<{ width: number; height: number; values: (number | null)[] }>(['average', join(sampleFolder(), 'magt.tif'), 8, 7]);
    expect([layer.factor, layer.width, layer.height]).toEqual([7, ref.width, ref.height]);
    expect(expectCells(layer.values, ref.values, 1e-5)).toBeGreaterThan(5_000);
    // the partial last column (1 cell wide) has values where GDAL has them
    expect(ref.values.filter((v, i) => i % ref.width === ref.width - 1 && v !== null).length).toBeGreaterThan(0);
  });

  it('ds.layers(alt, max_cells 100): every period equal to gdalwarp -r average of its band (11 × 11 blocks)', async () => {
    const layers = await ds.layers('alt', { max_cells: 100, periods: ['1980-1984', '2015-2019'] });
    for (const [layer, band] of [[layers[0], 1], [layers[1], 8]] as const) {
      const ref = verbsReferee<{ width: number; height: number; values: (number | null)[] }>(['average', join(sampleFolder(), 'alt.tif'), band, 11]);
      expect([layer.factor, layer.width, layer.height]).toEqual([11, ref.width, ref.height]);
      expect(expectCells(layer.values, ref.values, 5e-4)).toBeGreaterThan(1_000); // ALT: permafrost cells only
    }
  });

  it('permafrost, max_cells 148: the area-weighted permafrost share of each block equals numpy with pyproj areas (1e-6)', async () => {
    const layer = await ds.layer('permafrost', '2000-2004', { max_cells: 148 });
    const ref = verbsReferee<(number | null)[]>(['share', join(sampleFolder(), 'permafrost.tif'), 5, 7]);
    expect(layer.value).toBe('permafrost_share');
    expect(expectCells(layer.values, ref, 1e-6)).toBeGreaterThan(5_000);
    expect(ref.some((v) => v !== null && v > 0.05 && v < 0.95)).toBe(true); // mixed blocks, where weights matter
  });
});

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
