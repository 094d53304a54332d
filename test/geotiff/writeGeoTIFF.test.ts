import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError, InputError } from '../../src/errors.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { writeGeoTIFF, type WritableRaster } from '../../src/geotiff/writeGeoTIFF.js';
import { referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-write-');
afterAll(() => tmp.cleanup());

const width = 301;
const height = 211;
const transform = { originX: -1_505_000, originY: 1_055_000, pixelWidth: 10_000, pixelHeight: -10_000, rotationX: 0, rotationY: 0 };

function field(band: number, type: 'float32' | 'int16' | 'uint8'): WritableRaster['values'] extends (infer T)[] | undefined ? T : never {
  const n = width * height;
  const make = (f: (c: number, r: number) => number) => {
    const out = type === 'float32' ? new Float32Array(n) : type === 'int16' ? new Int16Array(n) : new Uint8Array(n);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) out[r * width + c] = f(c, r);
    return out;
  };
  if (type === 'float32') return make((c, r) => (c > 250 && r < 20 ? -9999 : Math.sin(c / 13 + band) * 10 + r / 50 - 5));
  if (type === 'int16') return make((c, r) => (c * 37 + r * 101 + band * 1000) % 30000 - 15000);
  return make((c, r) => (c + r + band) % 2);
}

function raster(type: 'float32' | 'int16' | 'uint8', bands: number, crs: string, extra: Partial<WritableRaster> = {}): WritableRaster {
  return {
    width, height, bands, dataType: type, transform, crs,
    noData: type === 'float32' ? -9999 : type === 'int16' ? -32768 : 255,
    bandNames: Array.from({ length: bands }, (_, b) => `${1980 + 5 * b}-${1984 + 5 * b}`),
    bandUnits: Array.from({ length: bands }, () => (type === 'float32' ? 'degC' : 'cm')),
    metadata: { SYNTHETIC: 'yes', SOURCE: 'permafrost-lab <test> & "quotes"' },
    values: Array.from({ length: bands }, (_, b) => field(b, type)),
    ...extra,
  };
}

function gdalBytes(path: string): Buffer {
  const out = join(tmp.dir, `gdal-${Math.random().toString(36).slice(2)}.bsq`);
  referee('gdal_translate', ['-q', '-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', path, out]);
  return readFileSync(out);
}

describe('writeGeoTIFF(path, raster) is read back by GDAL', () => {
  const cases: [string, 'float32' | 'int16' | 'uint8', number, string, Parameters<typeof writeGeoTIFF>[2]][] = [
    ['float32, 8 bands, EPSG:3995, DEFLATE', 'float32', 8, epsgToProj4(3995)!, {}],
    ['float32, predictor 3, 64-pixel tiles', 'float32', 3, epsgToProj4(3995)!, { predictor: 3, tile_size: 64 }],
    ['int16, predictor 2, EPSG:3413', 'int16', 2, epsgToProj4(3413)!, { predictor: 2 }],
    ['uint8, 1 band, uncompressed, BigTIFF', 'uint8', 1, epsgToProj4(3995)!, { compression: 'none', big_tiff: true }],
    ['float32, user-defined polar stereographic on Hughes 1980 (variant B)', 'float32', 1, '+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 +a=6378273 +rf=298.279411123064 +units=m +no_defs', {}],
    ['float32, ESRI:102018 (variant A, true scale at the pole)', 'float32', 1, epsgToProj4(102018)!, {}],
  ];
  for (const [name, type, bands, crs, options] of cases) {
    it(name, async () => {
      const path = join(tmp.dir, `${name.replace(/\W+/g, '-')}.tif`);
      const input = raster(type, bands, crs);
      const result = await writeGeoTIFF(path, input, options);
      expect(result.big_tiff).toBe(!!options?.big_tiff);
      const info = JSON.parse(referee('gdalinfo', ['-json', '-mdd', 'all', path]));
      expect(info.size).toEqual([width, height]);
      expect(info.geoTransform).toEqual([transform.originX, transform.pixelWidth, 0, transform.originY, 0, transform.pixelHeight]);
      expect(info.bands.map((b: any) => b.description)).toEqual(input.bandNames);
      expect(info.bands.map((b: any) => b.unit)).toEqual(input.bandUnits);
      expect(info.bands.every((b: any) => b.noDataValue === input.noData)).toBe(true);
      expect(info.bands[0].type).toBe({ float32: 'Float32', int16: 'Int16', uint8: 'Byte' }[type]);
      expect(info.metadata[''].SYNTHETIC).toBe('yes');
      expect(info.metadata[''].SOURCE).toBe('permafrost-lab <test> & "quotes"');
      expect(info.metadata.IMAGE_STRUCTURE.COMPRESSION ?? 'NONE').toBe(options?.compression === 'none' ? 'NONE' : 'DEFLATE');
      expect(info.bands[0].block).toEqual([options?.tile_size ?? 256, options?.tile_size ?? 256]);
      // the CRS GDAL reads projects like ours (compare GDAL's proj4 with ours through PROJ)
      const theirs = referee('gdalsrsinfo', ['-o', 'proj4', path]).trim();
      const pts = '10 70\n-100 60\n150 80\n';
      const a = referee('cs2cs', ['-f', '%.4f', '+proj=longlat', '+datum=WGS84', '+to', ...theirs.split(/\s+/)], pts);
      const b = referee('cs2cs', ['-f', '%.4f', '+proj=longlat', '+datum=WGS84', '+to', ...crs.split(/\s+/)], pts);
      expect(a).toBe(b);
      // pixels: GDAL's decoding equals what we wrote, bit for bit
      const written = Buffer.concat(input.values!.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
      expect(gdalBytes(path).equals(written)).toBe(true);
    });
  }

  it('gdallocationinfo finds the values we wrote at given pixels', async () => {
    const path = join(tmp.dir, 'locations.tif');
    const input = raster('float32', 2, epsgToProj4(3995)!);
    await writeGeoTIFF(path, input);
    const pixels = [[0, 0], [300, 210], [150, 100], [17, 193]];
    const out = referee('gdallocationinfo', ['-valonly', '-b', '2', path], pixels.map(([c, r]) => `${c} ${r}`).join('\n') + '\n').trim().split('\n').map(Number);
    pixels.forEach(([c, r], i) => expect(Math.fround(out[i])).toBe(input.values![1][r * width + c]));
  });

  it('streams from a read({ window }) function, one tile row at a time, and copies an opened raster', async () => {
    const source = join(tmp.dir, 'stream-source.tif');
    await writeGeoTIFF(source, raster('int16', 3, epsgToProj4(3995)!));
    const opened = await openRaster(source);
    const windows: number[] = [];
    const copy = join(tmp.dir, 'copy.tif');
    await writeGeoTIFF(copy, { ...opened, read: (o) => { windows.push(o.window.height); return opened.read(o); } }, { tile_size: 64 });
    await opened.close();
    expect(windows).toEqual([64, 64, 64, 19]);
    expect(gdalBytes(copy).equals(gdalBytes(source))).toBe(true);
  });
});

describe('writeGeoTIFF never damages what the user had', () => {
  it('refuses to replace an existing file unless told, and leaves it as it was', async () => {
    const path = join(tmp.dir, 'keep.tif');
    writeFileSync(path, 'precious');
    await expect(writeGeoTIFF(path, raster('uint8', 1, epsgToProj4(3995)!))).rejects.toThrow(FileError);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    await writeGeoTIFF(path, raster('uint8', 1, epsgToProj4(3995)!), { overwrite: true });
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('II');
  });

  it('refuses to write over the file it is reading, even with overwrite', async () => {
    const path = join(tmp.dir, 'self.tif');
    await writeGeoTIFF(path, raster('uint8', 1, epsgToProj4(3995)!));
    const opened = await openRaster(path);
    await expect(writeGeoTIFF(path, opened, { overwrite: true })).rejects.toThrow(/refusing to write over the file being read/);
    await opened.close();
  });

  it('leaves no partial or temporary file when the source fails midway', async () => {
    const path = join(tmp.dir, 'failing.tif');
    const failing = { ...raster('float32', 1, epsgToProj4(3995)!), values: undefined,
      read: ({ window }: { window: { y: number } }) => { if (window.y > 0) throw new Error('disk on fire'); return [new Float32Array(width * 256 > width * height ? width * height : width * 256)]; } };
    await expect(writeGeoTIFF(path, failing as WritableRaster, { tile_size: 64 })).rejects.toThrow();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('names the bad option or field', async () => {
    const path = join(tmp.dir, 'bad.tif');
    await expect(writeGeoTIFF(path, raster('int16', 1, epsgToProj4(3995)!), { predictor: 3 })).rejects.toThrow(/invalid predictor: 3 \(expected 1 or 2/);
    await expect(writeGeoTIFF(path, { ...raster('uint8', 2, epsgToProj4(3995)!), bandNames: ['one'] })).rejects.toThrow(InputError);
    await expect(writeGeoTIFF(path, raster('uint8', 1, '+proj=merc +datum=WGS84'))).rejects.toThrow(/invalid crs/);
    await expect(writeGeoTIFF(join(tmp.dir, 'no/such/folder/x.tif'), raster('uint8', 1, epsgToProj4(3995)!))).rejects.toThrow(/folder does not exist/);
  });
});
