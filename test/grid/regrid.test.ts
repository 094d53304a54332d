// Any grid, regridding and exports against GDAL (gdalwarp), pyproj's geodesic areas and numpy
// (test/grid/regrid_referee.py): the sample warped to EPSG:4326 and EPSG:3413 answers every verb with
// the original's area-weighted means; regridValues equals gdalwarp -r average|near|bilinear|mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { slotRows } from '../../src/dataset/context.js';
import { cellArea } from '../../src/grid/cellArea.js';
import { lonLatTarget } from '../../src/grid/lonLatTarget.js';
import { regridValues, type RegridMethod } from '../../src/grid/regrid.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import type { GridInput } from '../../src/grid/cellArea.js';
import { python, referee, root, tempDir } from '../helpers.js';

const script = join(root, 'test', 'grid', 'regrid_referee.py');
const run = (...args: string[]) => JSON.parse(referee(python, [script, ...args]));
const tmp = tempDir('permafrost-regrid-');
let ds: Dataset;
let lonlat: Dataset;
let nsidc: Dataset;

beforeAll(async () => {
  ds = await openDataset(sampleFolder());
  run('copy', sampleFolder(), join(tmp.dir, 'lonlat'), 'EPSG:4326', '0.1');
  run('copy', sampleFolder(), join(tmp.dir, 'nsidc'), 'EPSG:3413', '10000');
  lonlat = await openDataset(join(tmp.dir, 'lonlat'));
  nsidc = await openDataset(join(tmp.dir, 'nsidc'));
}, 120_000);
afterAll(async () => { await Promise.all([ds, lonlat, nsidc].map((d) => d?.close())); tmp.cleanup(); });

/** gdalwarp of one band onto a grid, as Float32Array and the grid it made. */
function gdalwarp(file: string, band: number, srs: string, box: { xmin: number; ymin: number; xmax: number; ymax: number }, res: number, method: string): { values: Float32Array; grid: GridInput } {
  const out = join(tmp.dir, `warp-${method}-${band}.f32`);
  const g = run('warp', file, String(band), out, srs, ...[box.xmin, box.ymin, box.xmax, box.ymax, res, res].map(String), method);
  const [x0, pw, , y0, , ph] = g.geotransform;
  const crs = srs === 'EPSG:4326' ? epsgToProj4(4326)! : epsgToProj4(Number(srs.split(':')[1]))!;
  const b = readFileSync(out);
  return { values: new Float32Array(b.buffer, b.byteOffset, b.length / 4), grid: { width: g.width, height: g.height, crs, transform: { originX: x0, originY: y0, pixelWidth: pw, pixelHeight: ph, rotationX: 0, rotationY: 0 } } };
}

/** The brute-force area-weighted average (pyproj, k × k points per source cell) of one band onto a grid. */
function bruteAverage(file: string, band: number, srs: string, box: { xmin: number; ymin: number; xmax: number; ymax: number }, res: number, k: number): Float32Array {
  const out = join(tmp.dir, `brute-${band}-${res}.f32`);
  run('average', file, String(band), out, srs, ...[box.xmin, box.ymin, box.xmax, box.ymax, res, k].map(String));
  const b = readFileSync(out);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

const sourceOf = (d: Dataset, variable: 'magt' | 'permafrost', period: string) => {
  const slot = d.raster(variable, period);
  return { grid: d.grid, rows: (y0: number, h: number) => slotRows(slot, y0, h) };
};

describe('any grid: the sample warped to EPSG:4326 (0.1°) and EPSG:3413 (10 km) by gdalwarp -r near', () => {
  it('lon/lat cell areas equal pyproj Geod polygon areas within 1e-6 (0.05°, 0.1°, 1° cells from 45°N to the pole)', () => {
    const cases: [number, number][] = [[0.05, 45.05], [0.05, 70], [0.1, 60.3], [1, 90], [1, 46], [0.05, 90]];
    for (const [res, top] of cases) {
      const grid = lonLatTarget({ resolution_deg: res, south_deg: top - res, north_deg: top, west_deg: 10, east_deg: 10 + res });
      const ours = cellArea(grid);
      expect(ours.method).toBe('lon-lat');
      const [theirs] = run('geod', '10', String(top), String(res), String(res));
      expect(Math.abs(ours.at(0, 0) / theirs - 1), `${res}° cell below ${top}°N`).toBeLessThan(1e-6);
    }
  });

  it('summarize: the area-weighted MAGT mean of every period within 0.05 °C of the original (resampling error), ALT within 1 %, permafrost area within 1 %', async () => {
    const original = (await ds.summarize()).objects() as any[];
    for (const copy of [lonlat, nsidc]) {
      const warped = (await copy.summarize()).objects() as any[];
      expect(warped.length).toBe(original.length);
      warped.forEach((row, i) => {
        expect(Math.abs(row.magt_c_mean - original[i].magt_c_mean), `${copy.grid.crs} ${row.period}`).toBeLessThan(0.05);
        expect(Math.abs(row.alt_cm_mean / original[i].alt_cm_mean - 1)).toBeLessThan(0.01);
        expect(Math.abs(row.permafrost_area_km2 / original[i].permafrost_area_km2 - 1)).toBeLessThan(0.01);
        expect(Math.abs(row.magt_c_valid_area_km2 / original[i].magt_c_valid_area_km2 - 1)).toBeLessThan(0.01);
      });
    }
  }, 120_000);

  it('summarize by region and latitude band, table, layer, sample and trend all work on the lon/lat copy', async () => {
    const regions = (await lonlat.summarize({ by: ['period', 'region'], variables: ['magt'] })).objects() as any[];
    const original = (await ds.summarize({ by: ['period', 'region'], variables: ['magt'] })).objects() as any[];
    for (const row of original.filter((r) => r.region !== 'other' && r.magt_c_valid_area_km2 > 5e5)) {
      const mine = regions.find((r) => r.region === row.region && r.period === row.period);
      expect(Math.abs(mine.magt_c_mean - row.magt_c_mean), row.region).toBeLessThan(0.15);
    }
    const t = await lonlat.table('magt', '2015-2019');
    expect(t.numRows()).toBeGreaterThan(1000);
    const layer = await lonlat.layer('magt', '2015-2019', { max_cells_across: 200 });
    expect(layer.width).toBeLessThanOrEqual(200);
    const points = [{ lon: 130, lat: 65 }, { lon: -150, lat: 68 }];
    const mine = (await lonlat.sample(points, { variable: 'magt', period: '2015-2019' })).objects() as any[];
    const theirs = (await ds.sample(points, { variable: 'magt', period: '2015-2019' })).objects() as any[];
    mine.forEach((p, i) => expect(Math.abs(p.magt_c - theirs[i].magt_c)).toBeLessThan(1.5));
    const trend = await lonlat.trend('magt');
    expect(trend.slope_per_decade.length).toBe(lonlat.grid.width * lonlat.grid.height);
  }, 180_000);
});

describe('regridValues against gdalwarp', () => {
  const file = join(sampleFolder(), 'magt.tif');
  const box3413 = { xmin: -4_000_000, ymin: -4_000_000, xmax: 4_000_000, ymax: 4_000_000 };
  const compare = (ours: Float32Array, theirs: Float32Array) => {
    let both = 0, equal = 0, onlyOne = 0;
    const diffs: number[] = [];
    for (let i = 0; i < ours.length; i++) {
      const a = ours[i], b = theirs[i];
      if ((a === a) !== (b === b)) { onlyOne++; continue; }
      if (a !== a) continue;
      both++;
      if (a === b) equal++;
      diffs.push(Math.abs(a - b));
    }
    diffs.sort((p, q) => p - q);
    return { both, equal, onlyOne, p50: diffs[Math.floor(diffs.length / 2)], p99: diffs[Math.floor(diffs.length * 0.99)], max: diffs[diffs.length - 1] };
  };
  const cases: [RegridMethod, string, number, (c: ReturnType<typeof compare>) => void, string][] = [
    ['nearest', 'near', 10_000, (c) => { expect(c.equal / c.both).toBeGreaterThan(0.99); expect(c.onlyOne / c.both).toBeLessThan(0.01); }, '99 % of cells equal'],
    ['bilinear', 'bilinear', 10_000, (c) => { expect(c.p99).toBeLessThan(1e-4); expect(c.onlyOne).toBe(0); }, '(kernel not widened: XSCALE=YSCALE=1): the same cells valid, 99 % within 1e-4 °C'],
    // gdalwarp averages the source pixels in an axis-aligned window around each target pixel: on a grid
    // turned 45° (lon_0 0° against −45°) the window is wider than the cell, so it smooths more than shares do
    ['average', 'average', 25_000, (c) => { expect(c.p50).toBeLessThan(0.15); expect(c.p99).toBeLessThan(0.6); expect(c.onlyOne / c.both).toBeLessThan(0.05); }, '(its window is wider than a turned cell) median 0.15 °C, 99 % within 0.6 °C'],
  ];
  for (const [method, gdal, res, check, tolerance] of cases) {
    it(`${method} from EPSG:3995 10 km onto EPSG:3413 ${res / 1000} km equals gdalwarp -r ${gdal} ${tolerance}`, async () => {
      const ref = gdalwarp(file, 8, 'EPSG:3413', box3413, res, gdal);
      const ours = await regridValues(sourceOf(ds, 'magt', '2015-2019'), ref.grid, { method });
      const c = compare(ours, ref.values);
      expect(c.both).toBeGreaterThan(10_000);
      check(c);
    }, 60_000);
  }

  it('average onto EPSG:3413 25 km equals a brute-force average (pyproj, 36 points per source cell, true areas): median 0.01 °C, 99 % within 0.1 °C', async () => {
    const ref = gdalwarp(file, 8, 'EPSG:3413', box3413, 25_000, 'near');
    const brute = bruteAverage(file, 8, 'EPSG:3413', box3413, 25_000, 6);
    const c = compare(await regridValues(sourceOf(ds, 'magt', '2015-2019'), ref.grid, { method: 'average' }), brute);
    expect(c.p50).toBeLessThan(0.01);
    expect(c.p99).toBeLessThan(0.1);
    expect(c.onlyOne / c.both).toBeLessThan(0.01);
  }, 60_000);

  it('average onto a 30 km grid of the same CRS (exact shares) equals gdalwarp -r average within 0.01 °C at every cell (GDAL weighs by share alone, we by true area too)', async () => {
    const box = { xmin: -5_100_000, ymin: -5_100_000, xmax: 5_100_000, ymax: 5_100_000 };
    const ref = gdalwarp(file, 8, 'EPSG:3995', box, 30_000, 'average');
    const ours = await regridValues(sourceOf(ds, 'magt', '2015-2019'), ref.grid, { method: 'average' });
    const c = compare(ours, ref.values);
    expect(c.onlyOne).toBe(0);
    expect(c.max).toBeLessThan(0.01);
  });

  it('mode of the permafrost layer onto EPSG:3413 25 km equals gdalwarp -r mode at 97 % of cells', async () => {
    const ref = gdalwarp(join(sampleFolder(), 'permafrost.tif'), 8, 'EPSG:3413', box3413, 25_000, 'mode');
    const ours = await regridValues(sourceOf(ds, 'permafrost', '2015-2019'), ref.grid, { method: 'mode' });
    const c = compare(ours, ref.values);
    expect(c.equal / c.both).toBeGreaterThan(0.97);
  });

  it('average onto a global 0.25° lon/lat grid equals a brute-force average (pyproj, 36 points per source cell): median 0.01 °C, 99 % within 0.1 °C; gdalwarp -r average median 0.05 °C', async () => {
    const box = { xmin: -180, ymin: 40, xmax: 180, ymax: 90 };
    const ref = gdalwarp(file, 8, 'EPSG:4326', box, 0.25, 'average');
    const ours = await regridValues(sourceOf(ds, 'magt', '2015-2019'), ref.grid, { method: 'average' });
    const c = compare(ours, bruteAverage(file, 8, 'EPSG:4326', box, 0.25, 6));
    const g = compare(ours, ref.values);
    expect(c.p50).toBeLessThan(0.01);
    expect(c.p99).toBeLessThan(0.1);
    expect(c.onlyOne / c.both).toBeLessThan(0.01);
    expect(g.p50).toBeLessThan(0.05);
  }, 60_000);
});

describe('ds.regrid', () => {
  it('returns a dataset on the target grid, every variable and period, synthetic as its source, the area-weighted mean within 0.1 °C (coastal cells weigh differently at 25 km)', async () => {
    const target = { width: 400, height: 400, crs: epsgToProj4(3413)!, transform: { originX: -5_000_000, originY: 5_000_000, pixelWidth: 25_000, pixelHeight: -25_000, rotationX: 0, rotationY: 0 } };
    const out = await ds.regrid(target, { method: 'average', variables: ['magt'], out: join(tmp.dir, 'regridded') });
    expect(out.grid.width).toBe(400);
    expect(out.synthetic).toBe(true);
    expect(out.periods.map((p) => p.label)).toEqual(ds.periods.map((p) => p.label));
    const a = (await ds.summarize({ variables: ['magt'] })).objects() as any[];
    const b = (await out.summarize()).objects() as any[];
    b.forEach((row, i) => expect(Math.abs(row.magt_c_mean - a[i].magt_c_mean)).toBeLessThan(0.1));
    await out.close();
  }, 60_000);

  it('refuses an unknown method and a target that is not a grid, naming them', async () => {
    await expect(ds.regrid({ crs: 'EPSG:4326', resolution_deg: 1 }, { method: 'cubic' as any })).rejects.toThrow(/invalid method: "cubic" \(expected average, nearest, bilinear, mode\)/);
    await expect(ds.regrid({ width: 0 } as any)).rejects.toThrow(/invalid regrid target/);
  });
});

