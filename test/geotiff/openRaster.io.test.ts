import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import proj4 from 'proj4';
import { fromFile } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError, FormatError, InputError } from '../../src/errors.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-io-');
afterAll(() => tmp.cleanup());

/** A 3-band float32 EPSG:3995 file made by GDAL: tiled 64 × 64, DEFLATE, nodata -9999, 500 × 400 pixels of 10 km. */
function makeFile(name: string, creation: string[] = ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'INTERLEAVE=BAND']): string {
  const path = join(tmp.dir, name);
  const expr = 'np.sin(X / 23.0) * 15 + np.cos(Y / 17.0) * 8 - 3';
  referee('gdal_create', ['-q', '-outsize', '500', '400', '-bands', '3', '-ot', 'Float32', '-a_srs', 'EPSG:3995',
    '-a_ullr', '-2500000', '2000000', '2500000', '-2000000', '-a_nodata', '-9999', join(tmp.dir, 'empty.tif')]);
  // Fill with a smooth field through GDAL's Python bindings (deterministic), then compress.
  referee('/usr/bin/python3', ['-c', `
import numpy as np
from osgeo import gdal
ds = gdal.Open('${join(tmp.dir, 'empty.tif')}', gdal.GA_Update)
Y, X = np.mgrid[0:400, 0:500].astype('float64')
for b in range(3):
    a = (${expr} + b).astype('float32')
    a[150:200, 300:350] = -9999
    ds.GetRasterBand(b + 1).WriteArray(a)
ds = None`]);
  referee('gdal_translate', ['-q', ...creation.flatMap((c) => ['-co', c]), join(tmp.dir, 'empty.tif'), path]);
  return path;
}

describe('raster.valuesAt(points) agrees with gdallocationinfo', () => {
  let path: string;
  beforeAll(() => { path = makeFile('points.tif'); });

  it('at lon/lat points (pixel centres), nodata as NaN, outside as NaN', async () => {
    const raster = await openRaster(path);
    const inverse = proj4(raster.crs, '+proj=longlat +datum=WGS84 +no_defs');
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const cells = Array.from({ length: 300 }, () => [Math.floor(random() * 500), Math.floor(random() * 400)]);
    cells.push([320, 170]); // inside the nodata patch
    const points = cells.map(([c, r]) => {
      const [lon, lat] = inverse.forward([-2500000 + (c + 0.5) * 10000, 2000000 - (r + 0.5) * 10000]);
      return { lon, lat };
    });
    const [b0, b2] = await raster.valuesAt(points, { bands: [0, 2] });
    const gdal = referee('gdallocationinfo', ['-valonly', '-wgs84', '-b', '1', '-b', '3', path], points.map((p) => `${p.lon} ${p.lat}`).join('\n') + '\n')
      .trim().split('\n').map(Number);
    points.forEach((_, i) => {
      for (const [k, ours] of [[0, b0[i]], [1, b2[i]]] as const) {
        const theirs = gdal[2 * i + k];
        if (theirs === -9999) expect(ours).toBeNaN();
        else expect(ours).toBe(Math.fround(theirs));
      }
    });
    expect(b0[points.length - 1]).toBeNaN();
    const [outside] = await raster.valuesAt([{ lon: 0, lat: 30 }, { x: 9e6, y: 0 }], { bands: [0] });
    expect(Array.from(outside)).toEqual([NaN, NaN]);
    await raster.close();
  });

  it('takes projected points in the raster\'s CRS', async () => {
    const raster = await openRaster(path);
    const [a] = await raster.valuesAt([{ x: -2500000 + 5000, y: 2000000 - 5000 }], { bands: [1] });
    const [w] = await raster.read({ window: { x: 0, y: 0, width: 1, height: 1 }, bands: [1] });
    expect(a[0]).toBe(w[0]);
    await raster.close();
  });
});

describe('openRaster(url) reads with HTTP range requests', () => {
  let server: Server;
  let url: string;
  let path: string;
  const served: { start: number; end: number }[] = [];

  beforeAll(async () => {
    path = makeFile('remote.tif');
    const bytes = readFileSync(path);
    server = createServer((req, res) => {
      if (req.method === 'HEAD') { res.writeHead(200, { 'Content-Length': bytes.length, 'Accept-Ranges': 'bytes' }); res.end(); return; }
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      if (!m) { res.writeHead(200, { 'Content-Length': bytes.length }); res.end(bytes); return; }
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), bytes.length - 1);
      served.push({ start, end });
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': end - start + 1 });
      res.end(bytes.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remote.tif`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches exactly the bytes of the tiles a window touches, and gets the same values as the local file', async () => {
    const remote = await openRaster(url);
    const before = served.length;
    const window = { x: 100, y: 70, width: 100, height: 60 }; // tiles x 1..3, y 1..2 of band 2
    const [values] = await remote.read({ window, bands: [1] });
    const requests = served.slice(before);

    const tiff = await fromFile(path);
    const ifd = (await tiff.getImage()).fileDirectory;
    const offsets = await ifd.loadValue('TileOffsets') as ArrayLike<number>;
    const counts = await ifd.loadValue('TileByteCounts') as ArrayLike<number>;
    const across = Math.ceil(500 / 64);
    const perBand = across * Math.ceil(400 / 64);
    const wanted = [];
    for (let ty = 1; ty <= 2; ty++) for (let tx = 1; tx <= 3; tx++) wanted.push(perBand + ty * across + tx);
    const expectedBytes = wanted.reduce((sum, t) => sum + Number(counts[t]), 0);
    expect(requests.length).toBe(6);
    expect(requests.reduce((sum, r) => sum + r.end - r.start + 1, 0)).toBe(expectedBytes);
    expect(requests.map((r) => r.start).sort((a, b) => a - b)).toEqual(wanted.map((t) => Number(offsets[t])).sort((a, b) => a - b));

    const local = await openRaster(path);
    const [same] = await local.read({ window, bands: [1] });
    expect(Buffer.from(values.buffer).equals(Buffer.from(same.buffer))).toBe(true);
    await Promise.all([remote.close(), local.close()]);
  });

  it('says when the server is unreachable or does not have the file', async () => {
    await expect(openRaster(url.replace('remote.tif', 'nope.tif').replace(/:\d+\//, ':1/'))).rejects.toThrow(FileError);
  });
});

describe('openRaster(bad file) gives a typed error naming the file', () => {
  it('not a TIFF', async () => {
    const path = join(tmp.dir, 'notes.tif');
    writeFileSync(path, 'this is a text file, not an image\n');
    await expect(openRaster(path)).rejects.toThrow(FormatError);
    await expect(openRaster(path)).rejects.toThrow(/notes\.tif: not a TIFF file/);
  });

  it('missing file, and a folder', async () => {
    await expect(openRaster(join(tmp.dir, 'absent.tif'))).rejects.toThrow(/absent\.tif: file not found/);
    await expect(openRaster(tmp.dir)).rejects.toThrow(FileError);
  });

  it('truncated: tile data past the end of the file', async () => {
    const path = makeFile('whole.tif');
    const bytes = readFileSync(path);
    const cut = join(tmp.dir, 'truncated.tif');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    let err: unknown;
    try {
      const raster = await openRaster(cut);
      await raster.read();
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/truncated\.tif: .*(past the end|truncated)/);
  });

  it('unsupported compression (JPEG XL) named with its code', async () => {
    const path = makeFile('jxl.tif', ['COMPRESS=NONE']);
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = view.getUint32(4, true);
    for (let i = 0; i < view.getUint16(first, true); i++) {
      if (view.getUint16(first + 2 + i * 12, true) === 259) view.setUint16(first + 2 + i * 12 + 8, 50002, true);
    }
    writeFileSync(path, bytes);
    await expect(openRaster(path)).rejects.toThrow(/jxl\.tif: unsupported compression JPEG XL \(50002\)/);
  });

  it('an IFD chain that loops back on itself', async () => {
    const path = makeFile('loop.tif', ['COMPRESS=NONE']);
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = view.getUint32(4, true);
    const count = view.getUint16(first, true);
    view.setUint32(first + 2 + count * 12, first, true); // next IFD = this IFD
    const looped = join(tmp.dir, 'looped.tif');
    writeFileSync(looped, bytes);
    await expect(openRaster(looped)).rejects.toThrow(/looped\.tif: IFD 1 points back to an earlier IFD .* loops/);
  });

  it('a tile offset past the end of the file, named by band and tile', async () => {
    const path = makeFile('offsets.tif', ['TILED=YES', 'COMPRESS=NONE', 'INTERLEAVE=BAND']);
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Find the TileOffsets entry (tag 324) and point its first tile far past the end.
    const first = view.getUint32(4, true);
    const count = view.getUint16(first, true);
    for (let i = 0; i < count; i++) {
      const at = first + 2 + i * 12;
      if (view.getUint16(at, true) === 324) {
        const arrayAt = view.getUint32(at + 8, true);
        view.setUint32(arrayAt, bytes.length + 1000, true);
      }
    }
    const damaged = join(tmp.dir, 'damaged-offsets.tif');
    writeFileSync(damaged, bytes);
    const raster = await openRaster(damaged);
    await expect(raster.read({ bands: [0], window: { x: 0, y: 0, width: 10, height: 10 } }))
      .rejects.toThrow(/damaged-offsets\.tif: band 1 tile 0 lies past the end of the file/);
    await raster.close();
  });

  it('bad options are InputErrors, not FormatErrors', async () => {
    const raster = await openRaster(makeFile('opts.tif'));
    await expect(raster.read({ bands: [-1] })).rejects.toThrow(InputError);
    await raster.close();
  });
});
