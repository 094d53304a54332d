// Raster and transform field names: snake_case is the documented spelling, the camelCase names of
// earlier releases stay readable beside it and always agree. Referee: GDAL (gdal_create, gdalinfo).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { referee, tempDir } from '../helpers.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { writeGeoTIFF } from '../../src/geotiff/writeGeoTIFF.js';
import { bboxOf, invertTransform } from '../../src/geotiff/transform.js';
import { asTransform, makeTransform, withTransform } from '../../src/geotiff/rasterNames.js';
import { cellArea } from '../../src/grid/cellArea.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { InputError } from '../../src/errors.js';

const dir = tempDir('permafrost-names-');
afterAll(() => dir.cleanup());

const SNAKE = { origin_x: -1_505_000, origin_y: 1_055_000, pixel_width: 10_000, pixel_height: -10_000, rotation_x: 0, rotation_y: 0 };
const CAMEL = { originX: -1_505_000, originY: 1_055_000, pixelWidth: 10_000, pixelHeight: -10_000, rotationX: 0, rotationY: 0 };
const PAIRS = [['origin_x', 'originX'], ['origin_y', 'originY'], ['pixel_width', 'pixelWidth'], ['pixel_height', 'pixelHeight'], ['rotation_x', 'rotationX'], ['rotation_y', 'rotationY']] as const;

describe('Raster field names on a GDAL-written file', () => {
  it('snake_case fields equal gdalinfo, and the deprecated camelCase names give the same values', async () => {
    const path = join(dir.dir, 'gdal.tif');
    referee('gdal_create', ['-q', '-outsize', '30', '20', '-bands', '2', '-ot', 'Int16', '-a_srs', 'EPSG:3995', '-a_ullr', '-150000', '100000', '150000', '-100000',
      '-a_nodata', '-9999', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=BAND', path]);
    const info = JSON.parse(referee('gdalinfo', ['-json', path]));
    const raster = await openRaster(path);
    await raster.close();
    const gt = info.geoTransform;
    expect([raster.transform.origin_x, raster.transform.pixel_width, raster.transform.rotation_x, raster.transform.origin_y, raster.transform.rotation_y, raster.transform.pixel_height]).toEqual(gt);
    for (const [snake, camel] of PAIRS) expect(raster.transform[camel], camel).toBe(raster.transform[snake]);
    expect(raster.nodata).toBe(info.bands[0].noDataValue);
    expect(raster.data_type).toBe('int16');
    expect(info.bands[0].type).toBe('Int16');
    expect(raster.band_names).toEqual(['band_1', 'band_2']);
    expect([raster.layout.block_width, raster.layout.block_height]).toEqual(info.bands[0].block);
    expect(raster.layout.little_endian).toBe(true);
    expect(raster.layout.big_tiff).toBe(false);
    // the deprecated names read the same values
    expect(raster.noData).toBe(raster.nodata);
    expect(raster.dataType).toBe(raster.data_type);
    expect(raster.bandNames).toBe(raster.band_names);
    expect(raster.bandUnits).toBe(raster.band_units);
    expect(raster.classNames).toBe(raster.class_names);
    expect([raster.layout.blockWidth, raster.layout.blockHeight, raster.layout.littleEndian, raster.layout.bigTiff])
      .toEqual([raster.layout.block_width, raster.layout.block_height, raster.layout.little_endian, raster.layout.big_tiff]);
  });

  it('the two names stay one field: setting either changes both, and a spread copy keeps both', async () => {
    const path = join(dir.dir, 'set.tif');
    referee('gdal_create', ['-q', '-outsize', '4', '4', '-ot', 'Float32', '-a_nodata', '-1', path]);
    const raster = await openRaster(path);
    await raster.close();
    raster.noData = -2;
    expect(raster.nodata).toBe(-2);
    raster.dataType = 'float64';
    expect(raster.data_type).toBe('float64');
    expect(() => { raster.transform.originX = 7; }).toThrow(TypeError); // a transform is frozen: change it with withTransform
    expect(raster.transform.origin_x).toBe(0);
    const copy = { ...raster };
    expect([copy.noData, copy.nodata, copy.dataType, copy.data_type]).toEqual([-2, -2, 'float64', 'float64']);
    expect({ ...raster.transform }).toMatchObject({ origin_x: 0, originX: 0 });
  });
});

describe('a hand-built transform in either spelling', () => {
  it('bboxOf and invertTransform give the same results for snake_case and camelCase', () => {
    expect(bboxOf(SNAKE, 30, 20)).toEqual(bboxOf(CAMEL, 30, 20));
    expect(bboxOf(SNAKE, 30, 20)).toEqual({ west: -1_505_000, south: 855_000, east: -1_205_000, north: 1_055_000 });
    const inv = invertTransform(CAMEL);
    expect(inv.origin_x * 1).toBeCloseTo(150.5, 12);
    expect(inv).toEqual(invertTransform(SNAKE));
  });

  it('a rotation left out is 0; both spellings given must agree', () => {
    expect(asTransform({ origin_x: 1, origin_y: 2, pixel_width: 3, pixel_height: -3 } as never).rotation_x).toBe(0);
    expect(asTransform({ ...SNAKE, ...CAMEL }).pixel_width).toBe(10_000);
    expect(() => asTransform({ ...makeTransform(SNAKE), pixelWidth: 500 })).toThrow(InputError);
    expect(() => asTransform({ ...makeTransform(SNAKE), pixelWidth: 500 })).toThrow(/transform.pixel_width: 10000 \(expected the same number as transform.pixelWidth \(500\)/);
    expect(() => asTransform({ ...SNAKE, origin_x: Number.NaN })).toThrow(/invalid transform.origin_x: NaN/);
    expect(withTransform(CAMEL, { pixel_width: 500 })).toMatchObject({ pixel_width: 500, pixelWidth: 500, origin_x: -1_505_000, originX: -1_505_000 });
  });

  it('writeGeoTIFF writes either spelling as GDAL reads it back', async () => {
    for (const [name, transform] of [['snake', SNAKE], ['camel', CAMEL]] as const) {
      const path = join(dir.dir, `${name}.tif`);
      await writeGeoTIFF(path, { width: 3, height: 2, bands: 1, dataType: 'float32', transform, crs: epsgToProj4(3995)!, values: [new Float32Array(6)] });
      expect(JSON.parse(referee('gdalinfo', ['-json', path])).geoTransform, name).toEqual([-1_505_000, 10_000, 0, 1_055_000, 0, -10_000]);
    }
  });

  it('writeGeoTIFF takes data_type, nodata, band_names and band_units (or the deprecated camelCase), as gdalinfo reads them', async () => {
    const path = join(dir.dir, 'labels.tif');
    await writeGeoTIFF(path, { width: 3, height: 2, bands: 1, data_type: 'int16', nodata: -9999, band_names: ['1980-1984'], band_units: ['cm'], transform: SNAKE, crs: epsgToProj4(3995)!, values: [new Int16Array(6)] });
    const band = JSON.parse(referee('gdalinfo', ['-json', path])).bands[0];
    expect([band.type, band.noDataValue, band.description, band.unit]).toEqual(['Int16', -9999, '1980-1984', 'cm']);
    await expect(writeGeoTIFF(join(dir.dir, 'clash.tif'), { width: 3, height: 2, bands: 1, data_type: 'int16', dataType: 'uint8', transform: SNAKE, crs: '', values: [new Int16Array(6)] }))
      .rejects.toThrow(/invalid data_type: "\\"int16\\"" \(expected the same as dataType/);
  });

  it('cellArea takes either spelling and gives the same areas', () => {
    const crs = epsgToProj4(3995)!;
    const a = cellArea({ width: 30, height: 20, crs, transform: SNAKE }), b = cellArea({ width: 30, height: 20, crs, transform: CAMEL });
    expect(a.at(3, 4)).toBe(b.at(3, 4));
    expect(a.at(3, 4)).toBeGreaterThan(0);
  });
});
