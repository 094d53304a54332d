import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { shareNotebook } from '../../src/notebooks/share.js';
import { cliScript, python, referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-cli-');
afterAll(() => tmp.cleanup());
const data = join(tmp.dir, 'data');
const cli = (...args: string[]) => spawnSync(process.execPath, [cliScript, ...args], { encoding: 'utf8' });

beforeAll(async () => { await generateSyntheticProduct({ out: data, resolution_m: 50_000, parts: ['magt', 'alt', 'permafrost'] }); }, 60_000);

describe('permafrost-lab dataset commands', () => {
  it('info prints the dataset as JSON', () => {
    const run = cli('info', data);
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.variables).toEqual(['magt', 'alt', 'permafrost']);
    expect(info.periods).toHaveLength(8);
    expect(info.synthetic).toBe(true);
  });

  it('summary --by period,region --format json prints an array of row objects; csv by default, after the # lines an export starts with', () => {
    const json = cli('summary', data, '--by', 'period,region', '--variables', 'magt', '--format', 'json');
    expect(json.status).toBe(0);
    const rows = JSON.parse(json.stdout);
    expect(rows.find((r: any) => r.period === '2000-2004' && r.region === 'alaska').magt_c_mean).toBeTypeOf('number');
    const csv = cli('summary', data);
    const lines = csv.stdout.split('\n');
    expect(lines[0]).toMatch(/^# permafrost-lab provenance: \{"library":"permafrost-lab [\d.]+",.*"synthetic":true,"builder":"permafrost-lab summary"/);
    expect(lines[1]).toBe('# synthetic: true');
    expect(lines[2]).toMatch(/^period,mid_year,magt_c_mean,/);
    expect(aq.fromCSV(csv.stdout, { comment: '#' }).numRows()).toBe(8);
  });

  it('values --points gives the status and value per point, after the # lines of an export; sample --points points to it', () => {
    const points = join(tmp.dir, 'points.csv');
    writeFileSync(points, 'site,lon,lat\nyakutsk,129.7,62\nsea,-30,60\n');
    const run = cli('values', data, '--points', points, '--variable', 'magt', '--period', '2000-2004');
    expect(run.status, run.stderr).toBe(0);
    const old = cli('sample', data, '--points', points);
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/permafrost-lab values --points/);
    expect(run.stdout.split('\n').slice(0, 2).map((l) => l.slice(0, 32))).toEqual(['# permafrost-lab provenance: {"l', '# synthetic: true']);
    const t = aq.fromCSV(run.stdout, { comment: '#' });
    expect(t.array('status')).toEqual(['inside', 'no data nearby']);
  });

  it('trend refuses a variable it cannot trend, as its help says (magt|alt)', () => {
    const run = cli('trend', data, '--variable', 'permafrost', '--out', join(tmp.dir, 'pf.tif'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/invalid option --variable: "permafrost" \(expected magt or alt: a trend per cell needs a quantity/);
    expect(existsSync(join(tmp.dir, 'pf.tif'))).toBe(false);
    expect(cli('trend', '--help').stdout).toMatch(/--variable <magt\|alt>/);
  });

  it('share makes again the light copy a notebook run left (as npm start leaves out/shared), and keeps any other file', () => {
    const out = join(tmp.dir, 'nb');
    mkdirSync(join(out, 'shared'), { recursive: true });
    writeFileSync(join(out, 'a.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', outputs: [] }], metadata: {} }));
    shareNotebook(join(out, 'a.ipynb'), join(out, 'shared', 'a.ipynb'));
    const again = cli('share', join(out, 'a.ipynb'));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^wrote .*shared\/a\.ipynb/);
    writeFileSync(join(out, 'mine.ipynb'), '{"cells": [], "metadata": {}}');
    const other = cli('share', join(out, 'a.ipynb'), '--out', join(out, 'mine.ipynb'));
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/mine\.ipynb exists and is not a light copy of a\.ipynb; add --overwrite/);
    expect(readFileSync(join(out, 'mine.ipynb'), 'utf8')).toBe('{"cells": [], "metadata": {}}');
  });

  it('trend writes a GeoTIFF GDAL reads, export writes csv, arrow and geotiff, and never over an input', () => {
    const trend = join(tmp.dir, 'trend.tif');
    const run = cli('trend', data, '--variable', 'magt', '--out', trend);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe('# synthetic: true');
    expect(aq.fromCSV(run.stdout, { comment: '#' }).columnNames()).not.toContain('median_bin_width');
    const info = JSON.parse(referee('gdalinfo', ['-json', trend]));
    expect(info.bands.map((b: any) => b.description)).toEqual(['magt_sen_slope_per_decade', 'mann_kendall_p_value', 'significant_p_0.05']);
    for (const format of ['csv', 'arrow', 'geotiff']) {
      const out = join(tmp.dir, `alaska.${format}`);
      const run = cli('export', data, '--variable', 'alt', '--period', '2015-2019', '--region', 'alaska', '--format', format, '--out', out);
      expect(run.status, run.stderr).toBe(0);
    }
    const csvLines = readFileSync(join(tmp.dir, 'alaska.csv'), 'utf8').split('\n');
    expect(csvLines[0]).toMatch(/^# permafrost-lab provenance: \{.*"builder":"exportTable"/); // where it came from, as a comment
    expect(csvLines.find((l) => !l.startsWith('#'))).toBe('x_m,y_m,lon,lat,area_km2,alt_cm');
    const again = cli('export', data, '--variable', 'alt', '--period', '2015-2019', '--format', 'csv', '--out', join(tmp.dir, 'alaska.csv'));
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists; add --overwrite to replace it/);
    const over = cli('export', data, '--variable', 'alt', '--period', '2015-2019', '--format', 'geotiff', '--out', join(data, 'alt.tif'), '--overwrite');
    expect(over.status).toBe(2);
    expect(over.stderr).toMatch(/refusing to write over an input file/);
  });

  it('sample without --points generates the sample, and --if-stale skips a fresh one (as npm run setup calls it)', () => {
    const out = join(tmp.dir, 'generated');
    const first = cli('sample', '--out', out, '--resolution-m', '100000', '--seed', '2', '--if-stale');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/files in .*generated/);
    const second = cli('sample', '--out', out, '--resolution-m', '100000', '--seed', '2', '--if-stale');
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/up to date/);
  });

  it('exits 2 on bad usage and names the option', () => {
    const run = cli('summary', data, '--by', 'nonsense');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/invalid by: "nonsense"/);
    expect(cli('export', data, '--variable', 'ice', '--period', '2015-2019', '--out', 'x.csv').stderr).toMatch(/invalid option --variable: "ice"/);
  });

  it('every command that opens a dataset takes the NetCDF options: --source-crs, --netcdf-periods and --netcdf-variables reach openDataset, bad values are named', () => {
    // ten annual layers on a y/x grid with no grid mapping, two candidate variables: T1m = −(year − 2000), T2m = year − 2000 everywhere
    const file = join(tmp.dir, 'cci_like.nc');
    referee(python, ['-c', `
import netCDF4, numpy as np
d = netCDF4.Dataset(${JSON.stringify(file)}, 'w')
d.createDimension('time', 10); d.createDimension('y', 12); d.createDimension('x', 12)
t = d.createVariable('time', 'f8', ('time',)); t.units = 'days since 2000-01-01'; t.calendar = 'standard'
t[:] = [365.25 * k + 182 for k in range(10)]
y = d.createVariable('y', 'f8', ('y',)); y.units = 'm'; y[:] = 3000000 - 25000 * (np.arange(12) + 0.5)
x = d.createVariable('x', 'f8', ('x',)); x.units = 'm'; x[:] = -3000000 + 25000 * (np.arange(12) + 0.5)
for name, sign in (('T1m', -1), ('T2m', 1)):
    v = d.createVariable(name, 'f4', ('time', 'y', 'x'), fill_value=-9999.0)
    v.standard_name = 'soil_temperature'; v.units = 'degC'
    v[:] = np.array([np.full((12, 12), sign * k, 'f4') for k in range(10)])
d.close()
`]);
    const noCrs = cli('summary', file, '--netcdf-variables', 'magt=T2m', '--quiet');
    expect(noCrs.status).toBe(2);
    expect(noCrs.stderr).toMatch(/no CRS.*--source-crs EPSG:3995/s);
    const which = cli('summary', file, '--source-crs', 'EPSG:3995', '--quiet');
    expect(which.status).toBe(2);
    expect(which.stderr).toMatch(/T1m/);
    const fiveYear = cli('summary', file, '--source-crs', 'EPSG:3995', '--netcdf-variables', 'magt=T2m', '--format', 'json', '--quiet');
    expect(fiveYear.stderr).toBe('');
    const rows = JSON.parse(fiveYear.stdout);
    expect(rows.map((r: any) => r.period)).toEqual(['2000-2004', '2005-2009']);
    expect(rows[0].magt_c_mean).toBeCloseTo(2, 9); // (0 + 1 + 2 + 3 + 4) / 5
    expect(rows[1].magt_c_mean).toBeCloseTo(7, 9);
    const colder = JSON.parse(cli('summary', file, '--source-crs', 'EPSG:3995', '--netcdf-variables', 'magt=T1m', '--format', 'json', '--quiet').stdout);
    expect(colder[0].magt_c_mean).toBeCloseTo(-2, 9);
    const annual = JSON.parse(cli('summary', file, '--source-crs', 'EPSG:3995', '--netcdf-variables', 'magt=T2m', '--netcdf-periods', 'annual', '--format', 'json', '--quiet').stdout);
    expect(annual).toHaveLength(10);
    expect(annual[3].magt_c_mean).toBeCloseTo(3, 9);
    const info = JSON.parse(cli('info', file, '--source-crs', 'EPSG:3995', '--netcdf-variables', 'magt=T2m').stdout);
    expect(info.grid.epsg).toBe(3995);
    const bad = cli('info', file, '--netcdf-periods', 'weekly');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--netcdf-periods: "weekly" \(expected 5-year, annual, as-is\)/);
    expect(cli('summary', file, '--netcdf-variables', 'depth=T2m').stderr).toMatch(/--netcdf-variables: "depth=T2m"/);
    expect(cli('summary', file, '--netcdf-variables', 'constructor=T2m').stderr).toMatch(/--netcdf-variables: "constructor=T2m"/);
    expect(cli('info', file, '--tries', '0').stderr).toMatch(/--tries: 0/);
  }, 120_000);
});

