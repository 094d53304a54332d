import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/sample/generateSample.js';
import { shareNotebook } from '../../src/notebooks/share.js';
import { referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-cli-');
afterAll(() => tmp.cleanup());
const data = join(tmp.dir, 'data');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { encoding: 'utf8' });

beforeAll(async () => { await generateSample({ out: data, resolution_m: 50_000, parts: ['magt', 'alt', 'permafrost'] }); }, 60_000);

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
});
