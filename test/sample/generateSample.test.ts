import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { InputError } from '../../src/errors.js';
import { python, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-sample-');
afterAll(() => tmp.cleanup());

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((n) => statSync(join(dir, n)).isFile()).sort();
}

describe('generateSyntheticProduct() at the default 10 km, checked with GDAL and rasterio', () => {
  const out = join(tmp.dir, 'sample');
  let figures: any;
  beforeAll(async () => {
    const result = await generateSyntheticProduct({ out });
    expect(result.grid.width).toBe(1030);
    figures = JSON.parse(referee(python, [join(root, 'test/sample/check_sample.py'), out]));
  }, 120_000);

  it('writes magt, alt and permafrost like the product: EPSG:3995, 8 named periods, nodata, DEFLATE, tiled, SYNTHETIC', () => {
    for (const file of ['magt.tif', 'alt.tif', 'permafrost.tif']) {
      const info = JSON.parse(referee('gdalinfo', ['-json', join(out, file)]));
      expect(info.stac['proj:epsg']).toBe(3995);
      expect(info.bands.map((b: any) => b.description)).toEqual(['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019']);
      expect(info.bands.every((b: any) => b.noDataValue !== undefined)).toBe(true);
      expect(info.metadata.IMAGE_STRUCTURE.COMPRESSION).toBe('DEFLATE');
      expect(info.bands[0].block).toEqual([256, 256]);
      expect(info.metadata[''].SYNTHETIC).toMatch(/synthetic sample.*not the real product/);
    }
    expect(filesOf(join(out, 'predictors'))).toEqual(['air_temperature.tif', 'elevation.tif', 'ndvi.tif', 'precipitation.tif', 'slope.tif', 'soil_texture.tif', 'wetness_index.tif']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/^# SYNTHETIC permafrost sample: not the real product/);
  });

  it('has 10–16 M km² of permafrost in 2000–2004, shrinking from the 1980s to 2015–2019', () => {
    const area = figures.permafrost_area_mkm2 as number[];
    expect(area[4]).toBeGreaterThan(10);
    expect(area[4]).toBeLessThan(16);
    expect(area[7]).toBeLessThan(area[0]);
    for (let p = 1; p < 8; p++) expect(area[p]).toBeLessThan(area[p - 1] + 0.05);
  });

  it('warms by 0.2–0.6 °C per decade (area-weighted MAGT) and deepens the active layer', () => {
    expect(figures.magt_trend_c_per_decade).toBeGreaterThan(0.2);
    expect(figures.magt_trend_c_per_decade).toBeLessThan(0.6);
    expect(figures.alt_mean_cm[7]).toBeGreaterThan(figures.alt_mean_cm[0]);
  });

  it('is colder in interior Siberia and Canada than in Fennoscandia at the same latitude', () => {
    const b = figures.magt_62_66N_2000_2004;
    for (const region of ['west_siberia', 'east_siberia', 'canada', 'alaska']) expect(b[region]).toBeLessThan(b.fennoscandia - 2);
    expect(b.east_siberia).toBeLessThan(b.west_siberia);
  });

  it('writes station tables with the product periods\' years, clustered sites and the planted flaws', () => {
    const boreholes = readFileSync(join(out, 'boreholes.csv'), 'utf8').trim().split('\n');
    const calm = readFileSync(join(out, 'calm.csv'), 'utf8').trim().split('\n');
    expect(boreholes[0]).toBe('site_id,site_name,lat,lon,year,depth_m,magt_c');
    expect(calm[0]).toBe('site_id,site_name,lat,lon,year,alt_cm');
    const sites = (rows: string[]) => new Set(rows.slice(1).map((r) => r.split(',')[0]));
    expect(sites(boreholes).size).toBeGreaterThan(200);
    expect(sites(calm).size).toBeGreaterThan(100);
    expect(new Set(boreholes.slice(1).map((r) => r.slice(0, 2)))).toEqual(new Set(['AK', 'CA', 'FS', 'ER', 'SB', 'MN']));
    const years = calm.slice(1).map((r) => Number(r.split(',').at(-2)));
    expect(Math.min(...years)).toBeGreaterThanOrEqual(1990);
    expect(calm.some((r) => /,>\d+$/.test(r))).toBe(true);
    expect(calm.some((r) => /,"Tiksi, ""Lena delta"" grid",/.test(r))).toBe(true);
    const duplicates = (rows: string[]) => rows.length - new Set(rows).size;
    expect(duplicates(calm)).toBe(1);
    expect(duplicates(boreholes)).toBe(1);
  });
});

describe('generateSyntheticProduct() is deterministic', () => {
  it('gives byte-identical files for the same seed (the NetCDF4 second product: identical variables and attributes, by netCDF4-python; HDF5 stamps its objects with the time), and different fields for another seed', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(tmp.dir, n));
    await generateSyntheticProduct({ out: a, resolution_m: 50_000, seed: 3 });
    await generateSyntheticProduct({ out: b, resolution_m: 50_000, seed: 3 });
    await generateSyntheticProduct({ out: c, resolution_m: 50_000, seed: 4 });
    const files = filesOf(a);
    expect(files).toEqual(filesOf(b));
    for (const f of files.filter((f) => !f.endsWith('.nc'))) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    const contents = (dir: string) => referee(python, ['-c', `
import hashlib, json, netCDF4, numpy as np
d = netCDF4.Dataset(${JSON.stringify(join(dir, 'second-product', 'magt_2000-2016.nc'))})
d.set_auto_maskandscale(False)
print(json.dumps({'global': {k: str(d.getncattr(k)) for k in d.ncattrs()},
  'vars': {n: {'attrs': {k: str(v.getncattr(k)) for k in v.ncattrs()}, 'sum': int(np.asarray(v[:], dtype=np.float64).sum()), 'sha256': hashlib.sha256(np.asarray(v[:]).tobytes()).hexdigest()} for n, v in d.variables.items()}}))
`]);
    expect(files).toContain('second-product/magt_2000-2016.nc');
    expect(contents(a)).toBe(contents(b));
    expect(contents(a)).not.toBe(contents(c));
    expect(readFileSync(join(a, 'magt.tif')).equals(readFileSync(join(c, 'magt.tif')))).toBe(false);
    expect(readFileSync(join(a, 'boreholes.csv')).equals(readFileSync(join(c, 'boreholes.csv')))).toBe(false);
  }, 120_000);

  it('skips the work with if_stale when nothing changed', async () => {
    const out = join(tmp.dir, 'a');
    const again = await generateSyntheticProduct({ out, resolution_m: 50_000, seed: 3, if_stale: true });
    expect(again.skipped).toBe(true);
    const other = await generateSyntheticProduct({ out, resolution_m: 50_000, seed: 5, if_stale: true });
    expect(other.skipped).toBe(false);
  }, 60_000);

  it('names bad options', async () => {
    await expect(generateSyntheticProduct({ out: join(tmp.dir, 'x'), resolution_m: 10 })).rejects.toThrow(InputError);
    await expect(generateSyntheticProduct({ out: join(tmp.dir, 'x'), parts: ['nope' as never] })).rejects.toThrow(/invalid part: "nope"/);
  });
});
