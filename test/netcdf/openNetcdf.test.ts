// NetCDF3 and NetCDF4 written by GDAL (gdal_translate -of netCDF) and by python3-netcdf4, read equal
// to GDAL's and netCDF4-python's values, with the CRS GDAL reads; a dataset of annual layers
// averaged into 5-year periods equal to numpy's means.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/dataset/openDataset.js';
import { FormatError, InputError } from '../../src/errors.js';
import { internalsOf } from '../../src/dataset/context.js';
import { rasterStatistics } from '../../src/stats/rasterStatistics.js';
import { openNetcdf, openNetcdfRaster } from '../../src/netcdf/openNetcdf.js';
import { scriptFixtures } from '../helpers.js';

interface Fixture {
  name: string; file: string; variable: string; width: number; height: number; bands: number;
  geotransform?: number[]; proj4: string | null; epsg: number | null; values: (number | null)[][]; times?: number[][] | null;
}

const { fixtures, dir } = scriptFixtures<Fixture>('test/netcdf/make_fixtures.py', 'permafrost-netcdf-');
const byName = (name: string) => fixtures().filter((f) => f.name === name);

/** Our values equal the referee's: the same cells at no data, the others within `tolerance`. */
function expectValues(ours: ArrayLike<number>, theirs: (number | null)[], tolerance: number, what: string) {
  expect(ours.length, what).toBe(theirs.length);
  let differ = 0, first = '';
  for (let i = 0; i < theirs.length; i++) {
    const t = theirs[i], o = ours[i];
    const same = t === null ? Number.isNaN(o) : Math.abs(o - t) <= tolerance * Math.max(1, Math.abs(t));
    if (!same) { differ++; first ||= `cell ${i}: ${o} vs ${t}`; }
  }
  expect(differ, `${what}: ${differ} cells differ, first ${first}`).toBe(0);
}

/** The same CRS: points projected by both proj4 strings agree to a millimetre. */
function expectSameCrs(ours: string, theirs: string) {
  for (const p of [[0, 60], [45, 75], [-120, 55], [10, 62]]) {
    const a = proj4(ours).forward(p), b = proj4(theirs).forward(p);
    expect(Math.hypot(a[0] - b[0], a[1] - b[1]), `${ours} vs ${theirs} at ${p}`).toBeLessThan(1e-3);
  }
}

describe('openNetcdf reads what GDAL and netCDF4-python read', () => {
  for (const name of ['gdal_nc3', 'gdal_nc2', 'gdal_nc4', 'py_magt_nc4_gdal', 'py_latlon_gdal']) {
    it(`${name}: values, geotransform and CRS equal GDAL's`, async () => {
      for (const f of byName(name)) {
        const r = await openNetcdfRaster(f.file, { variable: f.variable });
        try {
          expect([r.width, r.height, r.bands]).toEqual([f.width, f.height, f.bands]);
          const t = r.transform, g = f.geotransform!;
          [t.originX, t.pixelWidth, t.rotationX, t.originY, t.rotationY, t.pixelHeight].forEach((v, i) => expect(v).toBeCloseTo(g[i], 6));
          if (f.proj4) expectSameCrs(r.crs, f.proj4);
          else expect(r.epsg).toBe(4326); // GDAL gives a lat/lon grid without grid_mapping no CRS; CF's lat/lon coordinates say WGS 84
          if (f.epsg) expect(r.epsg).toBe(f.epsg);
          const bands = await r.read();
          bands.forEach((b, i) => expectValues(b as Float32Array, f.values[i], 1e-6, `${f.name} ${f.variable} band ${i + 1}`));
        } finally {
          await r.close();
        }
      }
    });
  }

  it('gdal_nc4 is chunked and deflated, and the block engine reads it chunk by chunk to the same statistics as numpy', async () => {
    const [f] = byName('gdal_nc4');
    const r = await openNetcdfRaster(f.file, { variable: f.variable });
    try {
      expect(r.layout.compression).toMatch(/deflate/);
      expect(r.layout.tiled).toBe(true);
      const jobs = internalsOf(r).blocks([0]);
      expect(jobs.length).toBe(Math.ceil(r.height / r.layout.blockHeight) * Math.ceil(r.width / r.layout.blockWidth));
      const [stats] = await rasterStatistics(r, { bands: [0] });
      const valid = f.values[0].filter((v): v is number => v !== null);
      expect(stats.cells).toBe(valid.length);
      expect(stats.min).toBeCloseTo(Math.min(...valid), 5);
      expect(stats.max).toBeCloseTo(Math.max(...valid), 5);
    } finally {
      await r.close();
    }
  });

  for (const name of ['py_magt_nc4', 'py_magt_nc3', 'py_magt_cdf5', 'py_latlon']) {
    it(`${name}: int16 scale_factor/add_offset, _FillValue and missing_value, times and rows as netCDF4-python reads them`, async () => {
      const [f] = byName(name);
      const r = await openNetcdfRaster(f.file, { variable: f.variable });
      try {
        expect([r.width, r.height, r.bands]).toEqual([f.width, f.height, f.bands]);
        const bands = await r.read();
        bands.forEach((b, i) => expectValues(b as Float32Array, f.values[i], 1e-6, `${name} band ${i + 1}`));
        if (f.times) expect(r.times!.map((t) => [t.year, t.month, t.day])).toEqual(f.times);
        // point values come from the same blocks
        const x = r.transform.originX + r.transform.pixelWidth * 5.5, y = r.transform.originY + r.transform.pixelHeight * 4.5;
        const [at] = await r.valuesAt([{ x, y }], { bands: [0] });
        const want = f.values[0][4 * r.width + 5];
        if (want === null) expect(Number.isNaN(at[0])).toBe(true); else expect(at[0]).toBeCloseTo(want, 5);
      } finally {
        await r.close();
      }
    });
  }

  it('py_magt_nc4: the CF polar stereographic grid mapping is EPSG:3995', async () => {
    const [f] = byName('py_magt_nc4_gdal');
    const r = await openNetcdfRaster(join(dir, 'py_magt_nc4.nc'));
    expect(r.epsg).toBe(3995);
    expectSameCrs(r.crs, f.proj4!);
    expect(r.layout.compression).toMatch(/shuffle/);
    await r.close();
  });

  it('a y/x grid with no grid mapping needs the crs option: a typed error naming the file and variable, then km coordinates in metres', async () => {
    const file = join(dir, 'py_nocrs_km.nc');
    await expect(openNetcdfRaster(file)).rejects.toThrow(InputError);
    await expect(openNetcdfRaster(file)).rejects.toThrow(/py_nocrs_km\.nc.*variable magt has no CRS.*crs option/);
    const r = await openNetcdfRaster(file, { crs: 'EPSG:3995' });
    expect(r.epsg).toBe(3995);
    expect(r.transform.pixelWidth).toBeCloseTo(25_000, 6);
    expect(r.transform.originX).toBeCloseTo(-1_000_000, 3);
    expect(r.transform.originY).toBeCloseTo(2_000_000, 3);
    const [f] = byName('py_nocrs_km');
    expectValues((await r.read({ bands: [1] }))[0] as Float32Array, f.values[1], 1e-6, 'py_nocrs_km band 2');
    await r.close();
  });

  it('a truncated file is a FormatError naming it; an unknown variable an InputError listing the variables', async () => {
    for (const name of ['truncated3.nc', 'truncated4.nc']) {
      const file = join(dir, name);
      const attempt = (async () => { const r = await openNetcdfRaster(file, { variable: 'Band1' }); await r.read(); })();
      await expect(attempt).rejects.toThrow(FormatError);
      if (name === 'truncated4.nc') await expect(openNetcdfRaster(file)).rejects.toThrow(/cannot open the NetCDF4\/HDF5 file: truncated file/);
      await expect((async () => { const r = await openNetcdfRaster(file, { variable: 'Band1' }); await r.read(); })()).rejects.toThrow(name);
    }
    const nc = await openNetcdf(join(dir, 'gdal_nc3.nc'));
    expect(() => nc.raster('magt')).toThrow(InputError);
    expect(() => nc.raster('magt')).toThrow(/invalid variable: "magt" \(expected one of Band1, Band2, Band3\)/);
    await nc.close();
  });
});

describe('openDataset on NetCDF', () => {
  it('averages annual layers into the product\'s 5-year periods, says how many years each holds, and every verb reads them', async () => {
    const folder = join(dir, 'annual');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(dir, 'py_magt_nc4.nc'), join(folder, 'magt_annual.nc'));
    const ds = await openDataset(folder);
    try {
      expect(ds.variables).toEqual(['magt']);
      expect(ds.periods.map((p) => p.label)).toEqual(['1995-1999', '2000-2004']);
      expect(ds.notices.join('\n')).toMatch(/6 annual layers \(1998–2003\) averaged into 5-year periods.*1995-1999 2 of 5 \(1998, 1999; missing 1995, 1996, 1997\); 2000-2004 4 of 5/);
      expect(ds.synthetic).toBe(true);
      const [f] = byName('py_magt_nc4');
      const n = f.width * f.height;
      for (const [p, years] of [['1995-1999', [0, 1]], ['2000-2004', [2, 3, 4, 5]]] as const) {
        const mean = Array.from({ length: n }, (_, i) => {
          const vs = years.map((b) => f.values[b][i]).filter((v): v is number => v !== null);
          return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null;
        });
        const layer = await ds.layer('magt', p);
        expectValues(layer.values, mean, 1e-5, `5-year mean ${p}`);
      }
      const s = (await ds.summarize({ by: ['period'] })).objects() as any[];
      expect(s.map((r) => r.period)).toEqual(['1995-1999', '2000-2004']);
      const table = await ds.table('magt', '2000-2004');
      const area = table.array('area_km2') as number[], value = table.array('magt_c') as number[];
      let sw = 0, swx = 0;
      value.forEach((v, i) => { if (Number.isFinite(v)) { sw += area[i]; swx += area[i] * v; } });
      expect(s[1].magt_c_mean).toBeCloseTo(swx / sw, 5);
    } finally {
      await ds.close();
    }
  });

  it('a folder of yearly files (ESA CCI-like, no grid mapping, T1m and T2m): asks which variable, then averages the chosen one', async () => {
    const folder = join(dir, 'cci');
    await expect(openDataset(folder, { crs: 'EPSG:3995' })).rejects.toThrow(/several NetCDF variables hold magt: T1m, T2m; choose one with the variables option/);
    await expect(openDataset(folder)).rejects.toThrow(/variable T1m has no CRS/);
    await expect(openDataset(folder, { crs: 'EPSG:3995', variables: { magt: 'T3m' } })).rejects.toThrow(/invalid variables.magt: "T3m" \(expected a gridded variable of the files: T1m, T2m\)/);
    const ds = await openDataset(folder, { crs: 'EPSG:3995', variables: { magt: 'T2m' } });
    try {
      expect(ds.periods.map((p) => p.label)).toEqual(['2000-2004']);
      expect(ds.grid.epsg).toBe(3995);
      expect(ds.notices.join('\n')).toMatch(/2000-2004 3 of 5 \(2001, 2002, 2003; missing 2000, 2004\)/);
      const [f] = byName('cci_T2m_2000-2004');
      expectValues((await ds.layer('magt', '2000-2004')).values, f.values[0], 1e-6, 'T2m 2000-2004 mean');
    } finally {
      await ds.close();
    }
  });

  it("periods: 'annual' keeps each year; a .nc file opens alone", async () => {
    const ds = await openDataset(join(dir, 'py_magt_nc3.nc'), { periods: 'annual' });
    expect(ds.periods.map((p) => p.label)).toEqual(['1998-1998', '1999-1999', '2000-2000']);
    await ds.close();
  });
});
