// The shapes the real product may come in, made from the sample by GDAL (gdal_translate), as a
// user's download would be: each must open without a manifest and give the sample's numbers.
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type Dataset } from '../../src/index.js';
import { sampleFolder } from '../../src/dataset/openDataset.js';
import { spawnSync } from 'node:child_process';
import { cliScript, python, referee, tempDir } from '../helpers.js';
import { asNumbers } from '../../src/geotiff/metadata.js';

const sample = sampleFolder();
const tmp = tempDir('permafrost-shapes-');
afterAll(() => tmp.cleanup());

const ESRI_WKT = 'PROJCS["North_Pole_Stereographic",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Stereographic_North_Pole"],PARAMETER["False_Easting",0.0],' +
  'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",71.0],UNIT["Meter",1.0]]';

/** gdal_translate through a VRT whose band descriptions (and, if asked, units) are removed. */
function translateUnnamed(input: string, output: string, options: string[], dropUnits = false): void {
  const vrt = `${output}.vrt`;
  referee('gdal_translate', ['-q', '-of', 'VRT', input, vrt]);
  let text = readFileSync(vrt, 'utf8').replace(/\s*<Description>[^<]*<\/Description>/g, '');
  if (dropUnits) text = text.replace(/\s*<UnitType>[^<]*<\/UnitType>/g, '');
  writeFileSync(vrt, text);
  referee('gdal_translate', ['-q', ...options, vrt, output]);
}

function folder(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

type Row = Record<string, number | string>;
async function byPeriod(source: string): Promise<{ rows: Row[]; ds: Dataset }> {
  const ds = await openDataset(source);
  const rows = (await ds.summarize({ by: ['period'] })).objects() as Row[];
  return { rows, ds };
}

function expectClose(actual: number, expected: number, relative: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.abs(expected));
}

let reference: Row[];
beforeAll(async () => {
  const ds = await openDataset(sample);
  reference = (await ds.summarize({ by: ['period'] })).objects() as Row[];
  await ds.close();
});

describe('product shapes written by GDAL open without a manifest and give the sample\'s numbers', () => {
  it('MAGT.tif, ALT.tif, PF.tif: 8 unnamed bands, pixel-interleaved LZW strips, ESRI WKT', async () => {
    const dir = folder('unnamed');
    const prj = join(tmp.dir, 'esri.prj');
    writeFileSync(prj, ESRI_WKT);
    const opts = ['-co', 'INTERLEAVE=PIXEL', '-co', 'COMPRESS=LZW', '-a_srs', `ESRI::${prj}`];
    translateUnnamed(join(sample, 'magt.tif'), join(dir, 'MAGT.tif'), opts);
    translateUnnamed(join(sample, 'alt.tif'), join(dir, 'ALT.tif'), opts);
    translateUnnamed(join(sample, 'permafrost.tif'), join(dir, 'PF.tif'), opts);
    const info = JSON.parse(referee('gdalinfo', ['-json', join(dir, 'MAGT.tif')]));
    expect(info.metadata.IMAGE_STRUCTURE.INTERLEAVE).toBe('PIXEL');
    expect(info.bands[0].description ?? '').toBe('');
    const { rows, ds } = await byPeriod(dir);
    expect(ds.layout).toBe('band count');
    expect(ds.notices.join('\n')).toMatch(/MAGT\.tif: its 8 bands have no period names; taken as the product's periods in order/);
    expect(ds.permafrostCoding?.kind).toBe('presence');
    expect(rows.map((r) => r.period)).toEqual(reference.map((r) => r.period));
    rows.forEach((r, i) => {
      expectClose(r.magt_c_mean as number, reference[i].magt_c_mean as number, 1e-6, `MAGT ${r.period}`);
      expectClose(r.alt_cm_mean as number, reference[i].alt_cm_mean as number, 1e-6, `ALT ${r.period}`);
      expectClose(r.permafrost_area_km2 as number, reference[i].permafrost_area_km2 as number, 1e-6, `permafrost ${r.period}`);
    });
    // maps of every period from the pixel-interleaved strips (each strip decoded once for its 8 bands) equal the sample's
    const sampleDs = await openDataset(sample);
    const [ours, theirs] = await Promise.all([ds.layers('magt', { max_cells_across: 120 }), sampleDs.layers('magt', { max_cells_across: 120 })]);
    expect(ours.map((l) => l.period)).toEqual(theirs.map((l) => l.period));
    ours.forEach((l, k) => expect(Array.from(l.values).filter((v, i) => !(Math.abs(v - theirs[k].values[i]) <= 1e-5 || (Number.isNaN(v) && Number.isNaN(theirs[k].values[i])))).length, l.period).toBe(0));
    await Promise.all([ds.close(), sampleDs.close()]);
  });

  it('int16 × 100 with GDAL scale 0.01 and nodata −32768: unscaled everywhere (within the 0.005 °C quantization)', async () => {
    const dir = folder('int16');
    referee('gdal_translate', ['-q', '-ot', 'Int16', '-scale', '-100', '100', '-10000', '10000', '-a_scale', '0.01', '-a_nodata', '-32768',
      join(sample, 'magt.tif'), join(dir, 'magt.tif')]);
    const { rows, ds } = await byPeriod(dir);
    const raster = ds.raster('magt', '2015-2019').raster;
    expect(raster.dataType).toBe('int16');
    expect(raster.scale?.[0]).toBe(0.01);
    expect(ds.notices.join('\n')).toMatch(/int16 values with scale 0\.01/);
    rows.forEach((r, i) => {
      expect(Math.abs((r.magt_c_mean as number) - (reference[i].magt_c_mean as number))).toBeLessThanOrEqual(0.005);
      expect(Math.abs((r.magt_c_max as number) - (reference[i].magt_c_max as number))).toBeLessThanOrEqual(0.005);
    });
    // reads, point values and tables are unscaled too; raw reads give the stored integers
    const [scaled] = asNumbers(await raster.read({ bands: [7] }));
    const [stored] = asNumbers(await raster.read({ bands: [7], raw: true }));
    expect(scaled).toBeInstanceOf(Float32Array);
    expect(stored).toBeInstanceOf(Int16Array);
    let checked = 0, wrong = 0;
    for (let i = 0; i < stored.length; i++) {
      if (stored[i] === -32768) { if (!Number.isNaN(scaled[i])) wrong++; continue; }
      if (Math.abs(scaled[i] - stored[i] * 0.01) > 1e-5) wrong++;
      checked++;
    }
    expect(checked).toBeGreaterThan(100_000);
    expect(wrong).toBe(0);
    const table = await ds.table('magt', '2015-2019', { bbox: { west: 90, south: 60, east: 120, north: 70 } });
    const values = table.array('magt_c') as Float32Array;
    expect(Math.max(...values)).toBeLessThan(40);
    const sampleDs = await openDataset(sample);
    const points = [{ lon: 129.7, lat: 62.0 }, { lon: -150, lat: 68 }];
    const ours = (await ds.sample(points, { variable: 'magt', period: '2015-2019' })).array('magt_c') as Float64Array;
    const theirs = (await sampleDs.sample(points, { variable: 'magt', period: '2015-2019' })).array('magt_c') as Float64Array;
    ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThanOrEqual(0.005 + 1e-9));
    // block means for maps are unscaled too (GDAL scale applied on the workers)
    const [mine] = await ds.layers('magt', { max_cells_across: 100, periods: ['2015-2019'] });
    const [real] = await sampleDs.layers('magt', { max_cells_across: 100, periods: ['2015-2019'] });
    expect(Array.from(mine.values).filter((v, i) => !(Math.abs(v - real.values[i]) <= 0.005 || (Number.isNaN(v) && Number.isNaN(real.values[i])))).length).toBe(0);
    await Promise.all([ds.close(), sampleDs.close()]);
  });

  it('GDAL\'s default cube: float32, DEFLATE, 256 tiles, INTERLEAVE=PIXEL, with band names', async () => {
    const dir = folder('pixel');
    const opts = ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'INTERLEAVE=PIXEL', '-co', 'PREDICTOR=2'];
    referee('gdal_translate', ['-q', ...opts, join(sample, 'magt.tif'), join(dir, 'magt.tif')]);
    const { rows, ds } = await byPeriod(dir);
    expect(ds.raster('magt', '1980-1984').raster.layout.interleave).toBe('pixel');
    rows.forEach((r, i) => expectClose(r.magt_c_mean as number, reference[i].magt_c_mean as number, 1e-6, `MAGT ${r.period}`));
    await ds.close();
  });

  it('one file per variable and period with two-digit and Chinese names', async () => {
    const dir = folder('chinese');
    const periods = reference.map((r) => String(r.period));
    periods.forEach((p, band) => {
      const short = `${p.slice(2, 4)}_${p.slice(7, 9)}`; // 80_84
      referee('gdal_translate', ['-q', '-b', String(band + 1), join(sample, 'magt.tif'), join(dir, `年平均地温_${short}.tif`)]);
      referee('gdal_translate', ['-q', '-b', String(band + 1), join(sample, 'alt.tif'), join(dir, `活动层厚度_${p.slice(0, 4)}_${p.slice(7, 9)}.tif`)]);
    });
    const { rows, ds } = await byPeriod(dir);
    expect(ds.variables).toEqual(['magt', 'alt']);
    rows.forEach((r, i) => {
      expectClose(r.magt_c_mean as number, reference[i].magt_c_mean as number, 1e-12, `MAGT ${r.period}`);
      expectClose(r.alt_cm_mean as number, reference[i].alt_cm_mean as number, 1e-12, `ALT ${r.period}`);
    });
    await ds.close();
  });

  it('ALT in metres, without a unit: converted to cm with a notice', async () => {
    const dir = folder('metres');
    translateUnnamed(join(sample, 'alt.tif'), join(dir, 'alt.tif'), ['-ot', 'Float32', '-scale', '0', '100', '0', '1', '-co', 'COMPRESS=DEFLATE'], true);
    // -scale keeps the band names only through the VRT: put them back
    copyFileSync(join(sample, 'magt.tif'), join(dir, 'magt.tif'));
    const { rows, ds } = await byPeriod(dir);
    expect(ds.notices.join('\n')).toMatch(/only metres fit, converted to cm/);
    rows.forEach((r, i) => expectClose(r.alt_cm_mean as number, reference[i].alt_cm_mean as number, 1e-6, `ALT ${r.period}`));
    await ds.close();
  });

  it('permafrost as zone classes (1 continuous … 4 isolated): areas from the zones\' shares, never as 0/1', async () => {
    const dir = folder('zones');
    // class 1 (continuous) where the sample has permafrost, 4 (isolated) on other land
    referee('gdal_calc.py', ['--quiet', '-A', join(sample, 'permafrost.tif'), '--allBands=A', '--calc=where(A==1, 1, 4)', '--NoDataValue=255',
      '--type=Byte', '--co=COMPRESS=DEFLATE', `--outfile=${join(dir, 'permafrost_zones.tif')}`]);
    copyFileSync(join(sample, 'magt.tif'), join(dir, 'magt.tif'));
    const { rows, ds } = await byPeriod(dir);
    expect(ds.permafrostCoding?.kind).toBe('classes');
    expect(ds.notices.join('\n')).toMatch(/zone classes \(1 continuous, 2 discontinuous, 3 sporadic, 4 isolated/);
    rows.forEach((r, i) => {
      const pf = reference[i].permafrost_area_km2 as number;
      const land = reference[i].permafrost_valid_area_km2 as number;
      expectClose(r.permafrost_area_km2 as number, 0.95 * pf + 0.05 * (land - pf), 1e-6, `permafrost ${r.period}`);
    });
    await ds.close();
  });

  it('GDAL\'s sidecar (.aux.xml): descriptions, scale and nodata that only it holds are read as GDAL reads them', async () => {
    const dir = folder('sidecar');
    // int16 × 100 with neither scale, nodata nor descriptions in the file; GDAL, opening it read-only, writes them to magt.tif.aux.xml
    translateUnnamed(join(sample, 'magt.tif'), join(dir, 'magt.tif'), ['-ot', 'Int16', '-scale', '-100', '100', '-10000', '10000', '-a_nodata', '-32768']);
    referee('gdal_edit.py', ['-unsetnodata', join(dir, 'magt.tif')]);
    referee(python, ['-c', `
from osgeo import gdal
src = gdal.Open('${join(sample, 'magt.tif')}')
ds = gdal.Open('${join(dir, 'magt.tif')}')
for b in range(1, 9):
    band = ds.GetRasterBand(b)
    band.SetScale(0.01); band.SetOffset(0); band.SetNoDataValue(-32768); band.SetDescription(src.GetRasterBand(b).GetDescription())
ds = None
`]);
    expect(readFileSync(join(dir, 'magt.tif.aux.xml'), 'utf8')).toMatch(/<Scale>0\.01<\/Scale>/);
    const gdalSays = JSON.parse(referee('gdalinfo', ['-json', join(dir, 'magt.tif')]));
    const { rows, ds } = await byPeriod(dir);
    const raster = ds.raster('magt', '2015-2019').raster;
    expect(raster.sidecar?.gave.sort()).toEqual(['band descriptions', 'nodata', 'scale']);
    expect(raster.noData).toBe(gdalSays.bands[0].noDataValue);
    expect(raster.scale?.[7]).toBe(gdalSays.bands[7].scale);
    expect(raster.bandNames).toEqual(gdalSays.bands.map((b: { description: string }) => b.description));
    rows.forEach((r, i) => expect(Math.abs((r.magt_c_mean as number) - (reference[i].magt_c_mean as number))).toBeLessThanOrEqual(0.005));
    await ds.close();
  });

  it('zone classes named in the sidecar (English CategoryNames, Chinese attribute table) are counted by their names, not their order', async () => {
    // isolated first (1 isolated … 4 continuous), the reverse of the order assumed for unnamed classes
    const english = folder('zones-named');
    referee('gdal_calc.py', ['--quiet', '-A', join(sample, 'permafrost.tif'), '--allBands=A', '--calc=where(A==1, 4, 1)', '--NoDataValue=255',
      '--type=Byte', `--outfile=${join(english, 'permafrost_zones.tif')}`]);
    referee(python, ['-c', `
from osgeo import gdal
ds = gdal.Open('${join(english, 'permafrost_zones.tif')}')
for b in range(1, 9):
    ds.GetRasterBand(b).SetCategoryNames(['', 'Isolated patches', 'Sporadic', 'Discontinuous', 'Continuous'])
ds = None
`]);
    // 1 连续多年冻土 (continuous) where the sample has permafrost, 3 岛状多年冻土 (isolated) elsewhere, 5 季节冻土: an attribute table
    const chinese = folder('zones-chinese');
    referee('gdal_calc.py', ['--quiet', '-A', join(sample, 'permafrost.tif'), '--allBands=A', '--calc=where(A==1, 1, 3)', '--NoDataValue=255',
      '--type=Byte', `--outfile=${join(chinese, '多年冻土分布.tif')}`]);
    referee(python, ['-c', `
from osgeo import gdal
ds = gdal.Open('${join(chinese, '多年冻土分布.tif')}')
for b in range(1, 9):
    rat = gdal.RasterAttributeTable()
    rat.CreateColumn('Value', gdal.GFT_Integer, gdal.GFU_MinMax)
    rat.CreateColumn('Class_Name', gdal.GFT_String, gdal.GFU_Name)
    for i, (v, n) in enumerate([(1, '连续多年冻土'), (2, '不连续多年冻土'), (3, '岛状多年冻土'), (5, '季节冻土')]):
        rat.SetValueAsInt(i, 0, v); rat.SetValueAsString(i, 1, n)
    ds.GetRasterBand(b).SetDefaultRAT(rat)
ds = None
`]);
    for (const dir of [english, chinese]) {
      copyFileSync(join(sample, 'magt.tif'), join(dir, 'magt.tif'));
      const { rows, ds } = await byPeriod(dir);
      expect(ds.permafrostCoding?.kind).toBe('classes');
      expect(ds.notices.join('\n')).toMatch(dir === english ? /class names: 1 Isolated patches \(5 %\), 2 Sporadic \(30 %\), 3 Discontinuous \(70 %\), 4 Continuous \(95 %\)/
        : /class names: 1 连续多年冻土 \(95 %\), 2 不连续多年冻土 \(70 %\), 3 岛状多年冻土 \(5 %\), 5 季节冻土 \(0 %\)/);
      rows.forEach((r, i) => {
        const pf = reference[i].permafrost_area_km2 as number;
        const land = reference[i].permafrost_valid_area_km2 as number;
        expectClose(r.permafrost_area_km2 as number, 0.95 * pf + 0.05 * (land - pf), 1e-6, `permafrost ${r.period}`);
      });
      await ds.close();
    }
  });

  it('permafrost as a percentage (0–100) and as a fraction (0–1)', async () => {
    for (const [name, calc, kind] of [['percent', 'A*100.0', 'percent'], ['fraction', 'A*0.999', 'fraction']] as const) {
      const dir = folder(name);
      referee('gdal_calc.py', ['--quiet', '-A', join(sample, 'permafrost.tif'), '--allBands=A', `--calc=${calc}`, '--NoDataValue=-1',
        '--type=Float32', `--outfile=${join(dir, 'permafrost_extent.tif')}`]);
      const { rows, ds } = await byPeriod(dir);
      expect(ds.permafrostCoding?.kind).toBe(kind);
      const factor = kind === 'percent' ? 1 : 0.999;
      rows.forEach((r, i) => expectClose(r.permafrost_area_km2 as number, factor * (reference[i].permafrost_area_km2 as number), 1e-6, `${name} ${r.period}`));
      await ds.close();
    }
  });

  it('other band counts without period names get the error with a manifest example', async () => {
    const dir = folder('six');
    translateUnnamed(join(sample, 'magt.tif'), join(dir, 'MAGT.tif'), ['-b', '1', '-b', '2', '-b', '3', '-b', '4', '-b', '5', '-b', '6']);
    await expect(openDataset(dir)).rejects.toThrow(/cannot tell the periods of MAGT\.tif: .* 6 band\(s\), not the product's 8; write a dataset\.json manifest beside it, e\.g\. \{ "variables"/);
  });

  it('check describes each file, what it was taken for and why, and exits 1 with a manifest when the folder does not open', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [cliScript, 'check', ...args], { encoding: 'utf8' });
    const unnamed = cli(join(tmp.dir, 'unnamed'));
    expect(unnamed.status, unnamed.stderr).toBe(0);
    expect(unnamed.stdout).toMatch(/MAGT\.tif .*\n {2}1030 × 1030, 8 band\(s\) of float32; LZW, pixel interleave, strips of 1030 × \d+/);
    expect(unnamed.stdout).toMatch(/CRS: polar stereographic north \(true scale at 71°N\)/);
    expect(unnamed.stdout).toMatch(/taken for: magt from the file name, periods from the band count/);
    expect(unnamed.stdout).toMatch(/Opens as a dataset \(the SYNTHETIC SAMPLE made by permafrost-lab, not the real product\): magt, alt, permafrost; 8 periods/);
    const json = JSON.parse(cli(join(tmp.dir, 'int16'), '--json').stdout);
    expect(json.ok).toBe(true);
    expect(json.files[0]).toMatchObject({ data_type: 'int16', nodata: -32768, variable: 'magt' });
    expect(json.files[0].scale[0]).toBe(0.01);
    const six = cli(join(tmp.dir, 'six'));
    expect(six.status).toBe(1);
    expect(six.stdout).toMatch(/Does not open as a dataset: .*cannot tell the periods of MAGT\.tif/);
    expect(six.stdout).toMatch(/Write this as dataset\.json in the folder[^\n]*\n\{ "variables": \{\n {4}"magt": \{ "file": "MAGT\.tif", "periods": \["1980-1984"/);
  });
});
