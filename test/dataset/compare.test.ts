// Product against product: the sample against the second synthetic product (TTOP-like MAGT, 5 km),
// the statistics of compareDatasets against numpy on the regridded arrays; the figures; and the
// longitude/latitude export read back by GDAL and netCDF4-python.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, sampleFolder, type Dataset } from '../../src/dataset/openDataset.js';
import { compareDatasets, type Comparison } from '../../src/dataset/compare.js';
import { differenceMap } from '../../src/plot/differenceMap.js';
import { scatterFigure } from '../../src/plot/scatterFigure.js';
import { isSyntheticTable } from '../../src/provenance/tableOrigin.js';
import { python, referee, root, tempDir } from '../helpers.js';

const script = join(root, 'test', 'grid', 'regrid_referee.py');
const tmp = tempDir('permafrost-compare-');
let ds: Dataset;
let ttop: Dataset;
let cmp: Comparison;

beforeAll(async () => {
  ds = await openDataset(sampleFolder());
  ttop = await openDataset(join(sampleFolder(), 'second-product'), { crs: 'EPSG:3995' });
  cmp = await compareDatasets(ds, ttop, { variable: 'magt', periods: [{ a: '2005-2009', b: '2000-2016' }], labels: { a: 'sample', b: 'TTOP-like' } });
}, 120_000);
afterAll(async () => { await ds?.close(); await ttop?.close(); tmp.cleanup(); });

describe('the second synthetic product', () => {
  it('is TTOP-like MAGT on a 5 km EPSG:3995 grid, one period 2000-2016, labelled synthetic, read through the crs option (it has no grid mapping)', () => {
    expect(ttop.synthetic).toBe(true);
    expect(ttop.variables).toEqual(['magt']);
    expect(ttop.periods.map((p) => p.label)).toEqual(['2000-2016']);
    expect(ttop.grid.resolution_m).toBe(5000);
    expect(ttop.grid.crs).toMatch(/\+proj=stere \+lat_0=90 \+lat_ts=71/);
  });

  it('is NetCDF4 as netCDF4-python and GDAL read it: int16 magt(y, x) with scale_factor 0.01 and _FillValue, no grid_mapping, a synthetic global attribute, the same values as ours', async () => {
    const file = join(sampleFolder(), 'second-product', 'magt_2000-2016.nc');
    const info = JSON.parse(referee(python, ['-c', `
import json, netCDF4, numpy as np
from osgeo import gdal
gdal.UseExceptions()
d = netCDF4.Dataset(${JSON.stringify(file)})
v = d['magt']
a = v[:].astype(float).filled(np.nan)
g = gdal.Open(${JSON.stringify(file)})
print(json.dumps({'format': d.data_model, 'dims': list(v.dimensions), 'dtype': str(v.dtype), 'scale': float(v.scale_factor), 'fill': int(v._FillValue),
  'grid_mapping': hasattr(v, 'grid_mapping'), 'synthetic': d.synthetic, 'gt': g.GetGeoTransform(), 'at': [None if np.isnan(x) else float(x) for x in a[[1000, 700, 300], [1000, 1400, 900]]],
  'mean': float(np.nanmean(a))}))
`]));
    expect(info).toMatchObject({ format: 'NETCDF4', dims: ['y', 'x'], dtype: 'int16', scale: 0.01, fill: -32768, grid_mapping: false });
    expect(info.synthetic).toMatch(/synthetic second product.*TTOP-like.*not a real product/);
    expect(info.gt).toEqual([-5_150_000, 5000, 0, 5_150_000, 0, -5000]);
    const { raster, band } = ttop.raster('magt', '2000-2016');
    const ours = await raster.valuesAt([[1000, 1000], [1400, 700], [900, 300]].map(([c, r]) => ({ x: -5_150_000 + (c + 0.5) * 5000, y: 5_150_000 - (r + 0.5) * 5000 })), { bands: [band] });
    Array.from(ours[0]).forEach((v, i) => (info.at[i] === null ? expect(v).toBeNaN() : expect(Math.abs(v - info.at[i])).toBeLessThan(1e-6)));
  });

  it('the sample folder still opens as the sample (the second product\'s folder is not taken for part of it)', () => {
    expect(ds.files.some((f) => f.includes('second-product'))).toBe(false);
    expect(ds.variables).toEqual(['magt', 'alt', 'permafrost']);
  });
});

describe('compareDatasets(sample, ttop)', () => {
  it('averages the finer product onto the coarser grid (the sample\'s 10 km) and marks its table synthetic; the front door has it', async () => {
    expect((await import('../../src/index.js')).compareDatasets).toBe(compareDatasets);
    expect(cmp.onto).toBe('a');
    expect(cmp.grid.width).toBe(ds.grid.width);
    expect(isSyntheticTable(cmp.table)).toBe(true);
    expect(cmp.table.columnNames()).toEqual(['by', 'group', 'period_a', 'period_b', 'cells', 'area_both_km2', 'mean_a_c', 'mean_b_c', 'mean_diff_c', 'rmse_c', 'pearson_r']);
    const by = new Set(cmp.table.array('by') as string[]);
    expect([...by]).toEqual(['all', 'region', 'zone', 'lat_band']);
  });

  it('overall and per 5° band: means, difference, RMSE and Pearson r equal numpy on the regridded arrays within 1e-6 (areas and latitudes from pyproj)', () => {
    const pair = cmp.pairs[0];
    writeFileSync(join(tmp.dir, 'a.f32'), new Uint8Array(pair.a.buffer, pair.a.byteOffset, pair.a.byteLength));
    writeFileSync(join(tmp.dir, 'b.f32'), new Uint8Array(pair.b.buffer, pair.b.byteOffset, pair.b.byteLength));
    const t = cmp.grid.transform;
    const ref = JSON.parse(referee(python, [script, 'stats', join(tmp.dir, 'a.f32'), join(tmp.dir, 'b.f32'), String(cmp.grid.width), String(cmp.grid.height), String(t.originX), String(t.originY), String(t.pixelWidth), '5']));
    const rows = cmp.table.objects() as any[];
    const check = (row: any, r: any) => {
      expect(row.cells).toBe(r.cells);
      expect(Math.abs(row.area_both_km2 / r.area_both_km2 - 1)).toBeLessThan(1e-6);
      for (const [ours, theirs] of [['mean_a_c', 'mean_a'], ['mean_b_c', 'mean_b'], ['mean_diff_c', 'mean_diff'], ['rmse_c', 'rmse'], ['pearson_r', 'pearson_r']]) {
        expect(Math.abs(row[ours] - r[theirs]), `${row.group} ${ours}`).toBeLessThan(1e-6);
      }
    };
    check(rows.find((r) => r.by === 'all'), ref.all);
    const bands = rows.filter((r) => r.by === 'lat_band' && r.cells > 50);
    expect(bands.length).toBeGreaterThan(5);
    for (const row of bands) check(row, ref[row.group]);
  });

  it('shows what the second product was made to show: colder overall (TTOP below ZAA), colder in Canada, warmer in Fennoscandia, r above 0.8', () => {
    const rows = cmp.table.objects() as any[];
    const all = rows.find((r) => r.by === 'all');
    expect(all.mean_diff_c).toBeLessThan(0);
    expect(all.pearson_r).toBeGreaterThan(0.8);
    const canada = rows.find((r) => r.by === 'region' && r.group === 'canada');
    const fenno = rows.find((r) => r.by === 'region' && r.group === 'fennoscandia');
    expect(canada.mean_diff_c).toBeLessThan(fenno.mean_diff_c);
  });

  it('refuses periods the products do not share, naming both lists, and a variable one lacks', async () => {
    await expect(compareDatasets(ds, ttop, { variable: 'magt' })).rejects.toThrow(/share no period \(a: 1980-1984.*b: 2000-2016\)/);
    await expect(compareDatasets(ds, ttop, { variable: 'alt', periods: [{ a: '2005-2009', b: '2000-2016' }] })).rejects.toThrow(/invalid variable of product b: "alt"/);
    await expect(compareDatasets(ds, ttop, { periods: [{ a: '2005-2009', b: '2001-2016' }] })).rejects.toThrow(/invalid period of product b: "2001-2016" \(expected 2000-2016\)/);
  });

  it('differenceMap(cmp) maps b − a on a diverging scale and scatterFigure(cmp) draws the density with the 1:1 line, both labelled synthetic', () => {
    const map = differenceMap(cmp) as any;
    expect(map.layout.title.text).toMatch(/MAGT: TTOP-like − sample/);
    expect(JSON.stringify(map.layout)).toMatch(/Periods: 2005-2009 vs 2000-2016/);
    expect(JSON.stringify(map.layout)).toMatch(/Synthetic/);
    const scatter = scatterFigure(cmp) as any;
    expect(scatter.data[0].type).toBe('heatmap');
    const total = (scatter.data[0].z as (number | null)[][]).flat().reduce((s: number, v) => s + (v ?? 0), 0);
    expect(total).toBe((cmp.table.objects() as any[]).find((r) => r.by === 'all').cells);
    expect(scatter.data[1].name).toBe('1:1');
    expect(JSON.stringify(scatter.layout)).toMatch(/Synthetic/);
  });
});

describe('export --crs EPSG:4326 --resolution-deg 0.25', () => {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const exported = (format: string) => {
    const out = join(tmp.dir, `magt.${format === 'netcdf' ? 'nc' : 'tif'}`);
    const r = spawnSync(process.execPath, [cli, 'export', sampleFolder(), '--period', '2015-2019', '--crs', 'EPSG:4326', '--resolution-deg', '0.25', '--format', format, '--out', out, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return out;
  };
  const gdalRead = (file: string) => JSON.parse(referee(python, ['-c', `
import json, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
d = gdal.Open(${JSON.stringify(file.endsWith('.nc') ? `NETCDF:"${file}":magt` : file)})
b = d.GetRasterBand(1); a = b.ReadAsArray().astype(float); nd = b.GetNoDataValue()
if nd is not None: a[a == nd] = np.nan
s = osr.SpatialReference(wkt=d.GetProjection()); s.AutoIdentifyEPSG()
print(json.dumps({'epsg': s.GetAuthorityCode(None), 'gt': d.GetGeoTransform(), 'size': [d.RasterXSize, d.RasterYSize],
  'mean': float(np.nanmean(a)), 'valid': int(np.isfinite(a).sum()), 'at': [None if np.isnan(v) else float(v) for v in a[[20, 60, 100], [100, 700, 1200]]]}))
`]));

  it('a GeoTIFF and a CF NetCDF file that GDAL reads as EPSG:4326 on the same 0.25° grid with the same values', () => {
    const tif = gdalRead(exported('geotiff'));
    const nc = gdalRead(exported('netcdf'));
    expect(tif.epsg).toBe('4326');
    expect(nc.epsg).toBe('4326');
    expect(nc.size).toEqual(tif.size);
    tif.gt.forEach((v: number, i: number) => expect(Math.abs(v - nc.gt[i])).toBeLessThan(1e-9));
    expect(nc.valid).toBe(tif.valid);
    expect(Math.abs(nc.mean - tif.mean)).toBeLessThan(1e-6);
    expect(nc.at).toEqual(tif.at);
    expect(tif.valid).toBeGreaterThan(50_000);
  }, 60_000);

  it('netCDF4-python reads the NetCDF file as CF-1.8: lat/lon coordinates, a latitude_longitude grid mapping, units, _FillValue and the synthetic label', () => {
    const file = join(tmp.dir, 'magt.nc');
    const info = JSON.parse(referee(python, ['-c', `
import json, netCDF4, numpy as np
d = netCDF4.Dataset(${JSON.stringify(file)})
v = d['magt']
a = v[:]
print(json.dumps({'conv': d.Conventions, 'synthetic': getattr(d, 'synthetic', ''), 'dims': list(v.dimensions), 'units': v.units, 'gm': v.grid_mapping,
  'gmn': d['crs'].grid_mapping_name, 'lat_units': d['lat'].units, 'lon_units': d['lon'].units, 'lat0': float(d['lat'][0]), 'lon0': float(d['lon'][0]),
  'masked': int(np.ma.count_masked(a)), 'count': int(np.ma.count(a)), 'fill': float(v._FillValue)}))
`]));
    expect(info).toMatchObject({ conv: 'CF-1.8', dims: ['lat', 'lon'], units: 'degC', gm: 'crs', gmn: 'latitude_longitude', lat_units: 'degrees_north', lon_units: 'degrees_east', lon0: -179.875, fill: -9999 });
    expect(info.synthetic).toMatch(/synthetic/);
    expect(info.count).toBeGreaterThan(50_000);
  });
});
