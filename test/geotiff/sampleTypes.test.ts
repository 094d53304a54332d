import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arrayTypeOf, type DataType } from '../../src/geotiff/metadata.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { float24ToFloat, halfToFloat } from '../../src/geotiff/samples.js';
import { python, referee, scriptFixtures } from '../helpers.js';

// Files of every sample type GDAL reads, made by gdal_translate (NBITS, -ot Int64/CFloat32/…,
// little- and big-endian, strips, tiles, band-interleaved); the referee is GDAL's ReadRaster bytes.
interface Fixture { name: string; tif: string; gdal: string; type: DataType; bands: number; width: number; height: number }

const made = scriptFixtures<Fixture>('test/geotiff/make_type_fixtures.py', 'permafrost-types-');

const names = ['nbits1', 'nbits2', 'nbits4', 'nbits10', 'nbits12', 'nbits24', 'float16', 'int64', 'uint64', 'cint16', 'cint32', 'cfloat32', 'cfloat64'];

describe('openRaster reads every sample type GDAL reads, as GDAL gives them', () => {
  for (const base of names) {
    for (const variant of ['', '_big_tiled_deflate', '_bands_lzw']) {
      it(`${base}${variant}: dataType and every sample equal GDAL's ReadRaster`, async () => {
        const f = made.fixtures().find((x) => x.name === base + variant)!;
        const r = await openRaster(f.tif);
        expect(r.dataType).toBe(f.type);
        const bands = await r.read();
        const Type = arrayTypeOf(f.type);
        const bytes = readFileSync(f.gdal);
        const perBand = bytes.byteLength / f.bands;
        bands.forEach((band, b) => {
          expect(band).toBeInstanceOf(Type);
          const theirs = new Type(bytes.buffer.slice(bytes.byteOffset + b * perBand, bytes.byteOffset + (b + 1) * perBand));
          expect(band.length).toBe(theirs.length);
          expect(Buffer.from(band.buffer, band.byteOffset, band.byteLength).equals(Buffer.from(theirs.buffer))).toBe(true);
        });
        await r.close();
      });
    }
  }

  for (const name of ['lzma_uint8', 'lzma_int16_predictor2_big_tiled', 'lzma_float32_predictor3', 'webp_lossy', 'webp_lossless_tiled', 'webp_rgba']) {
    it(`${name}: every sample equals GDAL's (LZMA by xz-embedded, WebP by libwebp)`, async () => {
      const f = made.fixtures().find((x) => x.name === name)!;
      const r = await openRaster(f.tif);
      expect([r.dataType, r.bands]).toEqual([f.type, f.bands]);
      const bands = await r.read();
      const bytes = readFileSync(f.gdal);
      const ours = Buffer.concat(bands.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
      expect(ours.equals(bytes)).toBe(true);
      await r.close();
    });
  }

  it('1-bit samples spread over the whole range read as 0 and 1, as a mask does', async () => {
    const r = await openRaster(made.fixtures().find((x) => x.name === 'nbits1')!.tif);
    const [mask] = await r.read();
    expect(new Set(mask as Uint8Array)).toEqual(new Set([0, 1]));
    await r.close();
  });

  it('valuesAt reads int64 as numbers and refuses complex bands with a typed error', async () => {
    const r = await openRaster(made.fixtures().find((x) => x.name === 'int64')!.tif);
    const [band] = await r.read({ window: { x: 3, y: 4, width: 1, height: 1 } });
    const [at] = await r.valuesAt([{ x: 3.5, y: 4.5 }]);
    expect(at[0]).toBe(Number((band as BigInt64Array)[0]));
    await r.close();
    const c = await openRaster(made.fixtures().find((x) => x.name === 'cfloat32')!.tif);
    await expect(c.valuesAt([{ x: 1, y: 1 }])).rejects.toThrow(/valuesAt gives one number per band, and the bands are complex \(cfloat32\)/);
    await c.close();
  });
});

describe('halfToFloat and float24ToFloat', () => {
  it('decode the IEEE half-precision bit patterns as numpy does', () => {
    const patterns = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x7bff, 0x3555, 0xb001];
    const numpy = JSON.parse(referee(python, ['-c', `import json, numpy as np; print(json.dumps([float(v) for v in np.array(${JSON.stringify(patterns)}, dtype=np.uint16).view(np.float16)]))`]));
    expect(patterns.map(halfToFloat)).toEqual(numpy);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
    expect([halfToFloat(0x7c00), halfToFloat(0xfc00)]).toEqual([Infinity, -Infinity]);
  });

  it("decode GDAL's 24-bit floats (bias 63, 16-bit mantissa)", () => {
    expect(float24ToFloat(0x3f0000)).toBe(1);
    expect(float24ToFloat(0xbf8000)).toBe(-1.5);
    expect(float24ToFloat(0x400000)).toBe(2);
    expect(float24ToFloat(0x7f0000)).toBe(Infinity);
  });
});
