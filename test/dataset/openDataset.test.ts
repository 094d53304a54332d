import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { feature } from 'topojson-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type Dataset } from '../../src/dataset/openDataset.js';
import { REGIONS } from '../../src/dataset/regions.js';
import { InputError, FormatError } from '../../src/errors.js';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { python, referee, root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-dataset-');
afterAll(() => tmp.cleanup());
const sampleDir = join(tmp.dir, 'sample');
const periods = ['1980-1984', '1985-1989', '1990-1994', '1995-1999', '2000-2004', '2005-2009', '2010-2014', '2015-2019'];

beforeAll(async () => {
  await generateSyntheticProduct({ out: sampleDir, resolution_m: 25_000, parts: ['magt', 'alt', 'permafrost', 'stations'] });
}, 60_000);

function close(ours: number, theirs: number, relative = 1e-6) {
  expect(Math.abs(ours - theirs) / Math.max(1e-9, Math.abs(theirs)), `${ours} vs ${theirs}`).toBeLessThan(relative);
}

describe('ds.summarize() agrees with rasterio + numpy (area-weighted, ellipsoidal cell areas) to 1e-6', () => {
  let ds: Dataset;
  let check: any;
  beforeAll(async () => {
    ds = await openDataset(sampleDir);
    const topo = createRequire(import.meta.url)('world-atlas/countries-50m.json');
    const usa = feature(topo, topo.objects.countries.geometries.find((g: any) => g.id === '840'));
    const usaFile = join(tmp.dir, 'usa.geojson');
    writeFileSync(usaFile, JSON.stringify({ type: 'FeatureCollection', features: [usa] }));
    check = JSON.parse(referee(python, [join(root, 'test/dataset/summary_check.py'), sampleDir, usaFile]));
  }, 60_000);
  afterAll(() => ds.close());

  it('by period: MAGT mean, sd, min, max, valid area; ALT mean; permafrost area', async () => {
    const s = await ds.summarize({ by: ['period'] });
    expect(s.array('period')).toEqual(periods);
    const rows = s.objects() as any[];
    rows.forEach((row, p) => {
      const theirs = check.by_period[p];
      close(row.magt_c_mean, theirs.magt.mean);
      close(row.magt_c_sd, theirs.magt.sd);
      close(row.magt_c_min, theirs.magt.min);
      close(row.magt_c_max, theirs.magt.max);
      close(row.magt_c_valid_area_km2, theirs.magt.valid_area_km2);
      close(row.alt_cm_mean, theirs.alt.mean);
      close(row.permafrost_area_km2, theirs.permafrost_area_km2);
      expect(row.magt_c_p10).toBeLessThan(row.magt_c_p50);
      expect(row.magt_c_p50).toBeLessThan(row.magt_c_p90);
    });
  });

  it('by period and 5° latitude band', async () => {
    const s = await ds.summarize({ by: ['period', 'lat_band'], variables: ['magt'] });
    const rows = (s.objects() as any[]).filter((r) => r.period === '2000-2004');
    for (const [band, theirs] of Object.entries(check.lat_bands_2000_2004) as [string, any][]) {
      const row = rows.find((r) => r.lat_band === band);
      expect(row, band).toBeDefined();
      close(row.magt_c_mean, theirs.mean);
      close(row.magt_c_valid_area_km2, theirs.valid_area_km2);
    }
  });

  it('regions: Alaska within 2 % of gdal_rasterize of the same polygon; every named region has cells', async () => {
    const s = await ds.summarize({ by: ['period', 'region'], variables: ['magt'] });
    const rows = (s.objects() as any[]).filter((r) => r.period === '2000-2004');
    const alaska = rows.find((r) => r.region === 'alaska');
    expect(Math.abs(alaska.magt_c_valid_area_km2 / check.alaska_valid_area_km2 - 1)).toBeLessThan(0.02);
    for (const region of REGIONS) expect(rows.find((r) => r.region === region.id)?.magt_c_valid_area_km2 ?? 0, region.id).toBeGreaterThan(0);
  });
});

describe('ds.table(variable, period, options)', () => {
  it('gives typed columns with units in their names, and honours region, bbox and step', async () => {
    const ds = await openDataset(sampleDir);
    const all = await ds.table('magt', '2000-2004');
    expect(all.columnNames()).toEqual(['x_m', 'y_m', 'lon', 'lat', 'area_km2', 'magt_c']);
    expect(all.column('magt_c')).toBeInstanceOf(Float32Array);
    const ak = await ds.table('magt', '2000-2004', { region: 'alaska' });
    expect(ak.numRows()).toBeGreaterThan(100);
    expect(Math.max(...(ak.array('lon') as Float64Array))).toBeLessThan(-129);
    const box = await ds.table('alt', '2015-2019', { bbox: { west: 100, south: 60, east: 140, north: 70 } });
    const lats = box.array('lat') as Float64Array;
    expect(Math.min(...lats)).toBeGreaterThanOrEqual(60);
    expect(box.columnNames()).toContain('alt_cm');
    const coarse = await ds.table('magt', '2000-2004', { step: 2 });
    const sum = (t: any) => (t.array('area_km2') as Float64Array).reduce((a: number, b: number) => a + b, 0);
    expect(Math.abs(sum(coarse) / sum(all) - 1)).toBeLessThan(0.02);
    const long = await ds.tables('permafrost', { region: 'mongolia' });
    expect(new Set(long.array('period'))).toEqual(new Set(periods));
    await expect(ds.table('magt', '1975-1979')).rejects.toThrow(/invalid period: "1975-1979" \(expected 1980-1984/);
    await expect(ds.table('magt', '2000-2004', { region: 'atlantis' })).rejects.toThrow(/invalid region: "atlantis"/);
    await ds.close();
  });
});

describe('ds.sample(points, options)', () => {
  it('says what happened to each point: inside, snapped, no data nearby, outside grid, no coordinates', async () => {
    const ds = await openDataset(sampleDir);
    const points = [
      { site: 'yakutsk', lon: 129.7, lat: 62.0 }, { site: 'off utqiagvik', lon: -156.79, lat: 71.5 },
      { site: 'north atlantic', lon: -30, lat: 60 }, { site: 'equator', lon: 0, lat: 0 }, { site: 'blank', lon: null, lat: 60 },
    ];
    const t = await ds.sample(points, { variable: 'magt', period: '2000-2004', search_km: 40 });
    expect(t.array('status')).toEqual(['inside', 'snapped', 'no data nearby', 'outside grid', 'no coordinates']);
    const snapped = (t.array('snap_km') as Float64Array)[1];
    expect(snapped).toBeGreaterThan(0);
    expect(snapped).toBeLessThanOrEqual(40);
    const values = t.array('magt_c') as Float64Array;
    expect(values[0]).toBeLessThan(0);
    expect(values[2]).toBeNaN();
    const strict = await ds.sample(points.slice(0, 2), { variable: 'magt', period: '2000-2004' });
    expect(strict.array('status')).toEqual(['inside', 'no data nearby']);
    const long = await ds.sample(points.slice(0, 1), { variable: 'alt' });
    expect(long.numRows()).toBe(8);
    const bilinear = await ds.sample(points.slice(0, 1), { variable: 'magt', period: '2000-2004', method: 'bilinear' });
    expect(Math.abs((bilinear.array('magt_c') as Float64Array)[0] - values[0])).toBeLessThan(3);
    await ds.close();
  });
});

describe('openDataset(folder) recognises the layouts of DOMAIN.md and refuses what it cannot understand', () => {
  const perPeriod = join(tmp.dir, 'per-period');
  beforeAll(() => {
    mkdirSync(perPeriod, { recursive: true });
    periods.forEach((p, b) => {
      referee('gdal_translate', ['-q', '-b', String(b + 1), join(sampleDir, 'magt.tif'), join(perPeriod, `MAGT_${p}.tif`)]);
      referee('gdal_translate', ['-q', '-b', String(b + 1), join(sampleDir, 'alt.tif'), join(perPeriod, `alt_${p.replace('-', '_')}.tif`)]);
    });
  }, 60_000);

  it('a multi-band file per variable (periods in band descriptions)', async () => {
    const ds = await openDataset(sampleDir);
    expect(ds.variables).toEqual(['magt', 'alt', 'permafrost']);
    expect(ds.periods.map((p) => p.label)).toEqual(periods);
    expect(ds.periods[0]).toEqual({ label: '1980-1984', start: 1980, end: 1984, mid_year: 1982 });
    expect(ds.layout).toBe('band descriptions');
    expect(ds.synthetic).toBe(true);
    await ds.close();
  });

  it('one file per variable and period, with the naming variants', async () => {
    const ds = await openDataset(perPeriod);
    expect(ds.variables).toEqual(['magt', 'alt']);
    expect(ds.periods.map((p) => p.label)).toEqual(periods);
    const multi = await openDataset(sampleDir);
    const [a, b] = [await ds.table('alt', '1990-1994'), await multi.table('alt', '1990-1994')];
    expect(Array.from(a.array('alt_cm') as Float32Array)).toEqual(Array.from(b.array('alt_cm') as Float32Array));
    await Promise.all([ds.close(), multi.close()]);
  });

  it('a dataset.json manifest where names say nothing', async () => {
    const dir = join(tmp.dir, 'manifest');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(sampleDir, 'magt.tif'), join(dir, 'layer_a.tif'));
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ variables: { magt: { file: 'layer_a.tif', periods } } }));
    const ds = await openDataset(dir);
    expect(ds.layout).toBe('manifest');
    expect(ds.variables).toEqual(['magt']);
    await ds.close();
    const byFile = await openDataset(join(dir, 'dataset.json'));
    expect(byFile.periods).toHaveLength(8);
    await byFile.close();
  });

  it('a missing period, mismatched grids and an unknown file give errors that list the files seen', async () => {
    const broken = join(tmp.dir, 'broken');
    const copy = (name: string) => copyFileSync(join(perPeriod, name), join(broken, name));
    mkdirSync(broken, { recursive: true });
    periods.forEach((p) => { copy(`MAGT_${p}.tif`); copy(`alt_${p.replace('-', '_')}.tif`); });
    rmSync(join(broken, 'alt_1995_1999.tif'));
    await expect(openDataset(broken)).rejects.toThrow(/alt is missing period\(s\) 1995-1999.*files seen: .*MAGT_1980-1984\.tif/);
    referee('gdalwarp', ['-q', '-tr', '50000', '50000', join(perPeriod, 'alt_1995_1999.tif'), join(broken, 'alt_1995_1999.tif')]);
    await expect(openDataset(broken)).rejects.toThrow(FormatError);
    await expect(openDataset(broken)).rejects.toThrow(/grids do not align: alt_1995_1999\.tif is \d+ × \d+/);
    copy('alt_1995_1999.tif');
    writeFileSync(join(broken, 'notes.tif'), 'not an image');
    await expect(openDataset(broken)).rejects.toThrow(InputError);
    await expect(openDataset(broken)).rejects.toThrow(/cannot tell which variable these files hold: notes\.tif \(files seen: .*alt_1980_1984\.tif/);
    await expect(openDataset(join(tmp.dir, 'nowhere'))).rejects.toThrow(/dataset not found/);
  });
});

describe('openDataset(url) and overview tables', () => {
  it('reads a dataset.json manifest and its files over HTTP with range requests', async () => {
    const { createServer } = await import('node:http');
    const { readFileSync: read, statSync } = await import('node:fs');
    let ranges = 0;
    const server = createServer((req, res) => {
      const path = join(sampleDir, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      let size: number;
      try { size = statSync(path).size; } catch { res.writeHead(404); res.end(); return; }
      if (req.method === 'HEAD') { res.writeHead(200, { 'Content-Length': size }); res.end(); return; }
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      const bytes = read(path);
      if (!m) { res.writeHead(200, { 'Content-Length': size }); res.end(bytes); return; }
      ranges++;
      const [start, end] = [Number(m[1]), Math.min(Number(m[2]), size - 1)];
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      res.end(bytes.subarray(start, end + 1));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    writeFileSync(join(sampleDir, 'dataset.json'), JSON.stringify({ variables: { magt: { file: 'magt.tif', periods }, alt: { file: 'alt.tif', periods } } }));
    try {
      const remote = await openDataset(`${base}/dataset.json`);
      expect(remote.variables).toEqual(['magt', 'alt']);
      const local = await openDataset(sampleDir);
      const [a, b] = [await remote.table('alt', '2015-2019', { region: 'mongolia' }), await local.table('alt', '2015-2019', { region: 'mongolia' })];
      expect(Array.from(a.column('alt_cm') as Float32Array)).toEqual(Array.from(b.column('alt_cm') as Float32Array));
      expect(ranges).toBeGreaterThan(0);
      const single = await openDataset(`${base}/magt.tif`);
      expect(single.periods).toHaveLength(8);
      await Promise.all([remote.close(), local.close(), single.close()]);
    } finally {
      rmSync(join(sampleDir, 'dataset.json'));
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reads a table from an overview level: a quarter of the cells, about the same area and mean', async () => {
    const dir = join(tmp.dir, 'overviews');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(sampleDir, 'magt.tif'), join(dir, 'magt.tif'));
    referee('gdaladdo', ['-q', '-r', 'average', join(dir, 'magt.tif'), '2']);
    const ds = await openDataset(dir);
    const full = await ds.table('magt', '2000-2004');
    const coarse = await ds.table('magt', '2000-2004', { overview: 1 });
    expect(coarse.numRows() / full.numRows()).toBeGreaterThan(0.2);
    expect(coarse.numRows() / full.numRows()).toBeLessThan(0.3);
    const sum = (t: any) => (t.array('area_km2') as number[]).reduce((a, b) => a + b, 0);
    const mean = (t: any) => {
      const [w, v] = [t.array('area_km2') as number[], t.array('magt_c') as number[]];
      return w.reduce((a, x, i) => a + x * v[i], 0) / sum(t);
    };
    // GDAL's average overview keeps a 2 × 2 block wherever any cell is land: coasts add a little area
    expect(Math.abs(sum(coarse) / sum(full) - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean(coarse) - mean(full))).toBeLessThan(0.3);
    await expect(ds.table('magt', '2000-2004', { overview: 2 })).rejects.toThrow(/invalid overview: 2 \(expected 1 to 1\)/);
    await ds.close();
  });
});

describe('variableOfName(file)', () => {
  it('reads the variable from whole words of a file name, and nothing from names that say nothing', async () => {
    const { variableOfName } = await import('../../src/dataset/discover.js');
    expect(['MAGT_1980-1984.tif', 'alt_1980_1984.tif', 'Active_Layer_Thickness_2015.tif', 'Permafrost_distribution.tif', 'mean_ground_temperature.tif']
      .map(variableOfName)).toEqual(['magt', 'alt', 'alt', 'permafrost', 'magt']);
    expect(['layer_3.tif', 'air_temperature.tif', 'salt_marsh.tif', 'band1.tif'].map(variableOfName)).toEqual([null, null, null, null]);
  });
});

describe('the product\'s other spellings', () => {
  it('Chinese terms, GT/PF abbreviations and permafrost products name their variable; surface temperature does not', async () => {
    const { variableOfName } = await import('../../src/dataset/discover.js');
    expect(['年平均地温_1980_1984.tif', '地温.tif', '活动层厚度.tif', '多年冻土活动层厚度_2015_2019.tif', '多年冻土.tif', '冻土分布.tif',
      'GT_80_84.tif', 'ground_temperature.tif', 'PF.tif', 'permafrost_probability.tif', 'PF_zonation.tif', 'land_surface_temperature.tif']
      .map(variableOfName)).toEqual(['magt', 'magt', 'alt', 'alt', 'permafrost', 'permafrost', 'magt', 'magt', 'permafrost', 'permafrost', 'permafrost', null]);
  });
  it('two-digit period spellings, and no period from dates or long spans', async () => {
    const { parsePeriod } = await import('../../src/dataset/periods.js');
    const label = (t: string) => parsePeriod(t)?.label ?? null;
    expect(['MAGT_80_84.tif', 'alt_1980_84.tif', 'GT_15-19.tif', 'x_00_04.tif', '1995-99', 'MAGT_1980-1984.tif'].map(label))
      .toEqual(['1980-1984', '1980-1984', '2015-2019', '2000-2004', '1995-1999', '1980-1984']);
    expect(['nt_20201024_f18.tif', 'band_10_24.tif', 'v1_2.tif', 'tile_12_12.tif'].map(label)).toEqual([null, null, null, null]);
  });
});
