// Block access: what this package's passes read from a raster it opened, kept off the raster
// object. Referee for the block grid: GDAL (gdal_create with a block size, gdalinfo).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { referee, tempDir } from '../helpers.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { blockAccessOf } from '../../src/geotiff/blockAccess.js';
import { InputError } from '../../src/errors.js';

const dir = tempDir('permafrost-blocks-');
afterAll(() => dir.cleanup());

describe('blockAccessOf(raster)', () => {
  it('lists the blocks GDAL wrote, one job per band and tile, with no symbol or extra field on the raster', async () => {
    const path = join(dir.dir, 'tiled.tif');
    referee('gdal_create', ['-q', '-outsize', '40', '20', '-bands', '2', '-ot', 'Float32', '-burn', '1', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', path]);
    const [bw, bh] = JSON.parse(referee('gdalinfo', ['-json', path])).bands[0].block;
    const raster = await openRaster(path);
    const jobs = blockAccessOf(raster).blocks([0, 1]);
    expect(jobs.length).toBe(2 * Math.ceil(40 / bw) * Math.ceil(20 / bh));
    expect(jobs.filter((j) => j.band === 1).map((j) => [j.col, j.row, j.cols, j.rows])).toEqual([[0, 0, 16, 16], [16, 0, 16, 16], [32, 0, 8, 16], [0, 16, 16, 4], [16, 16, 16, 4], [32, 16, 8, 4]]);
    expect(blockAccessOf(raster).valueTransform(1)).toEqual({ scale: 1, offset: 0 });
    expect(Object.getOwnPropertySymbols(raster)).toEqual([]);
    await raster.close();
  });

  it('is an InputError naming the raster for a copy or a raster built by hand', async () => {
    const path = join(dir.dir, 'plain.tif');
    referee('gdal_create', ['-q', '-outsize', '4', '4', path]);
    const raster = await openRaster(path);
    await raster.close();
    expect(() => blockAccessOf({ ...raster })).toThrow(InputError);
    expect(() => blockAccessOf({ ...raster })).toThrow(/invalid raster: ".*plain\.tif" \(expected a raster opened by this package/);
    expect(() => blockAccessOf({ width: 1 })).toThrow(/invalid raster: "object"/);
  });
});
