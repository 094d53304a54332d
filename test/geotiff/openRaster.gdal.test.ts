import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { python, referee, root, tempDir } from '../helpers.js';
import { asNumbers } from '../../src/geotiff/metadata.js';

interface Fixture {
  name: string; tif: string; raw: string; type: string; bands: number; width: number; height: number;
  overview_raw?: string; overview_size?: [number, number];
}

// Fixtures are made by GDAL (gdal_translate, gdaladdo) into a temporary folder; GDAL's own
// decoding of each is dumped as raw band-sequential samples, and ours must equal it bit for bit.
const tmp = tempDir('permafrost-gdal-');
afterAll(() => tmp.cleanup());

/**
 * The fixtures make_fixtures.py writes, by name: known here so that every test exists even when
 * the referee (GDAL through Debian's Python) is missing, and then fails saying so. The first test
 * checks that this list and the script agree.
 */
const TYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];
const NAMES = TYPES.flatMap((t) => {
  const floating = t.startsWith('float');
  return [
    `${t}-none-striped-pixel`, `${t}-deflate-tiled-band`, `${t}-deflate-pred2-striped-pixel`, `${t}-lzw-pred2-tiled-pixel-bigendian`,
    `${t}-lzw-pred2-striped-band`, `${t}-zstd-tiled-band-bigtiff`, `${t}-packbits-striped-band`,
    ...(floating ? [`${t}-deflate-pred3-tiled-pixel`, `${t}-lzw-pred3-striped-band-bigendian`, `${t}-zstd-pred3-tiled-band`,
      `${t}-deflate-pred3-tiled-pixel-4bands`, `${t}-deflate-pred3-tiled-pixel-8bands`] : []),
    ...(['uint8', 'int16', 'float32'].includes(t) ? [`${t}-lerc-tiled-band`, `${t}-lerc-deflate-tiled-${floating ? 'band' : 'pixel'}`, `${t}-lerc-zstd-tiled-band`,
      `${t}-deflate-tiled-sparse`, `${t}-deflate-tiled-overviews`] : []),
  ];
});
let fixtures: Fixture[] = [];
let refereeError: Error | null = null;
beforeAll(() => {
  try {
    fixtures = JSON.parse(referee(python, [join(root, 'test/geotiff/make_fixtures.py'), tmp.dir]));
  } catch (err) {
    refereeError = err as Error;
  }
}, 120_000);
const fixture = (name: string): Fixture => {
  if (refereeError) throw new Error(`the GDAL fixtures could not be made: ${refereeError.message}`);
  const f = fixtures.find((x) => x.name === name);
  if (!f) throw new Error(`make_fixtures.py wrote no fixture ${name}`);
  return f;
};

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('openRaster(path).read() equals GDAL bit for bit', () => {
  it('covers every encoding the reader promises', () => {
    if (refereeError) throw refereeError;
    expect(fixtures.map((f) => f.name)).toEqual(NAMES);
    const names = fixtures.map((f) => f.name).join(' ');
    for (const part of ['none', 'deflate', 'lzw', 'packbits', 'zstd', 'lerc', 'pred2', 'pred3', 'striped', 'tiled', 'pixel', 'band', 'bigtiff', 'bigendian', 'overviews', 'sparse']) {
      expect(names).toContain(part);
    }
    for (const type of ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64']) {
      expect(fixtures.some((f) => f.type === type)).toBe(true);
    }
  });

  for (const name of NAMES) {
    it(name, async () => {
      const f = fixture(name);
      const raster = await openRaster(f.tif);
      try {
        expect([raster.width, raster.height, raster.bands, raster.dataType]).toEqual([f.width, f.height, f.bands, f.type]);
        const bands = await raster.read();
        const ours = Buffer.concat(bands.map(bytesOf));
        expect(ours.equals(readFileSync(f.raw))).toBe(true);
        if (f.overview_raw) {
          expect(raster.overviews[0]).toMatchObject({ level: 1, width: f.overview_size![0], height: f.overview_size![1] });
          const overview = await raster.read({ overview: 1 });
          expect(Buffer.concat(overview.map(bytesOf)).equals(readFileSync(f.overview_raw))).toBe(true);
        }
      } finally {
        await raster.close();
      }
    });
  }
});

describe('openRaster(path) metadata agrees with gdalinfo -json', () => {
  const picks = ['float32-deflate-tiled-band', 'int16-lzw-pred2-tiled-pixel-bigendian', 'uint8-deflate-tiled-overviews', 'float64-zstd-tiled-band-bigtiff'];
  for (const name of picks) {
    it(name, async () => {
      const f = fixture(name);
      const info = JSON.parse(referee('gdalinfo', ['-json', f.tif]));
      const raster = await openRaster(f.tif);
      await raster.close();
      const gt = info.geoTransform;
      expect(raster.transform).toMatchObject({ originX: gt[0], pixelWidth: gt[1], rotationX: gt[2], originY: gt[3], rotationY: gt[4], pixelHeight: gt[5] });
      expect(raster.bandNames).toEqual(info.bands.map((b: any) => b.description));
      const nodata = info.bands[0].noDataValue;
      expect(raster.noData).toBe(typeof nodata === 'string' ? Number(nodata) : nodata);
      expect(raster.epsg).toBe(3995);
      expect(raster.layout.compression.toUpperCase()).toBe(info.metadata.IMAGE_STRUCTURE.COMPRESSION.replace('ZSTD', 'ZSTD'));
      expect(raster.layout.interleave.toUpperCase()).toBe(info.metadata.IMAGE_STRUCTURE.INTERLEAVE);
      expect(raster.overviews.map((o) => [o.width, o.height])).toEqual((info.bands[0].overviews ?? []).map((o: any) => o.size));
      const [west, south, east, north] = [info.cornerCoordinates.lowerLeft[0], info.cornerCoordinates.lowerLeft[1], info.cornerCoordinates.upperRight[0], info.cornerCoordinates.upperRight[1]];
      expect(raster.bbox).toEqual({ west, south, east, north });
    });
  }
});

describe('openRaster(path).read(options)', () => {
  let f: Fixture;
  beforeAll(() => { if (!refereeError) f = fixture('float32-lzw-pred2-tiled-pixel-bigendian'); });

  it('reads a window of chosen bands that equals the same part of GDAL\'s full read', async () => {
    const raster = await openRaster(f.tif);
    const window = { x: 30, y: 17, width: 101, height: 59 };
    const [b2, b0] = await raster.read({ window, bands: [2, 0] });
    await raster.close();
    const all = new Float32Array(readFileSync(f.raw).buffer.slice(0));
    const plane = f.width * f.height;
    for (const [band, got] of [[2, b2], [0, b0]] as const) {
      for (let r = 0; r < window.height; r++) {
        for (let c = 0; c < window.width; c++) {
          const want = all[band * plane + (window.y + r) * f.width + window.x + c];
          expect(Object.is(got[r * window.width + c], want)).toBe(true);
        }
      }
    }
  });

  it('names the band, window or overview that is out of range', async () => {
    const raster = await openRaster(f.tif);
    await expect(raster.read({ bands: [3] })).rejects.toThrow(/invalid band: 3 \(expected 0 to 2/);
    await expect(raster.read({ window: { x: 190, y: 0, width: 10, height: 1 } })).rejects.toThrow(/invalid window.*x \+ width ≤ 197/);
    await expect(raster.read({ overview: 1 })).rejects.toThrow(/invalid overview: 1 \(expected 0 \(the file has no overviews\)\)/);
    await raster.close();
  });
});

describe('openRaster(path) georeferencing and band metadata agree with gdalinfo', () => {
  const dir = tempDir('permafrost-meta-');
  afterAll(() => dir.cleanup());
  const make = (name: string, args: string[]) => {
    const path = join(dir.dir, name);
    referee('gdal_create', ['-q', '-outsize', '20', '10', '-bands', '2', '-ot', 'Int16', ...args, path]);
    return path;
  };

  it('PixelIsPoint: the geotransform names pixel corners, as GDAL reports it', async () => {
    const path = make('point.tif', ['-a_srs', 'EPSG:3995', '-a_ullr', '-1000', '500', '1000', '-500', '-mo', 'AREA_OR_POINT=Point']);
    const info = JSON.parse(referee('gdalinfo', ['-json', path]));
    expect(info.metadata[''].AREA_OR_POINT).toBe('Point');
    const raster = await openRaster(path);
    await raster.close();
    const gt = info.geoTransform;
    expect([raster.transform.originX, raster.transform.pixelWidth, raster.transform.originY, raster.transform.pixelHeight]).toEqual([gt[0], gt[1], gt[3], gt[5]]);
  });

  it('scale and offset per band', async () => {
    const src = make('plain.tif', ['-a_srs', 'EPSG:3995', '-a_ullr', '0', '10', '20', '0']);
    const path = join(dir.dir, 'scaled.tif');
    referee('gdal_translate', ['-q', '-a_scale', '0.01', '-a_offset', '-273.15', src, path]);
    const info = JSON.parse(referee('gdalinfo', ['-json', path]));
    const raster = await openRaster(path);
    await raster.close();
    expect(raster.scale).toEqual(info.bands.map((b: any) => b.scale));
    expect(raster.offset).toEqual(info.bands.map((b: any) => b.offset));
    const plain = await openRaster(src);
    await plain.close();
    expect([plain.scale, plain.offset]).toEqual([null, null]);
  });

  it('a geographic EPSG:4326 file', async () => {
    const path = make('geographic.tif', ['-a_srs', 'EPSG:4326', '-a_ullr', '-180', '90', '180', '45']);
    const raster = await openRaster(path);
    await raster.close();
    expect(raster.epsg).toBe(4326);
    expect(raster.crs).toBe('+proj=longlat +datum=WGS84 +no_defs');
    expect(raster.bbox).toEqual({ west: -180, south: 45, east: 180, north: 90 });
  });
});

describe('sparse files', () => {
  it('the SPARSE_OK fixtures really leave tiles unwritten, and those read as nodata', async () => {
    const { blockAccessOf } = await import('../../src/geotiff/blockAccess.js');
    for (const f of NAMES.filter((n) => n.endsWith('sparse')).map(fixture)) {
      const raster = await openRaster(f.tif);
      const jobs = blockAccessOf(raster).blocks([0, 1, 2]);
      const sparse = jobs.filter((j) => j.sparse);
      expect(sparse.length, f.name).toBeGreaterThan(0);
      const [values] = asNumbers(await raster.read({ bands: [sparse[0].band], window: { x: sparse[0].col, y: sparse[0].row, width: 64, height: 64 } }));
      expect(Array.from(values).every((v) => v === raster.noData)).toBe(true);
      await raster.close();
    }
  });
});
