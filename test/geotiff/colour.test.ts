import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asNumbers } from '../../src/geotiff/metadata.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { checkFolder } from '../../src/dataset/check.js';
import { referee, scriptFixtures } from '../helpers.js';

// Colour-model files are made by GDAL (gdal_translate -co PHOTOMETRIC=YCBCR/CMYK/CIELAB, JPEG) and,
// for YCbCr that is not JPEG-compressed (GDAL does not write it), by a small TIFF writer; GDAL's own
// reading of each is the referee.
interface Fixture {
  name: string; tif: string; gdal: string; bands: number; width: number; height: number;
  stored?: string; stored_bands?: number; overviews?: { path: string; width: number; height: number }[];
}

const made = scriptFixtures<Fixture>('test/geotiff/make_colour_fixtures.py', 'permafrost-colour-');

const fixture = (name: string) => made.fixtures().find((f) => f.name === name)!;

/** Samples of `ours` (one array per band) that differ from a BSQ file, with the largest difference. */
function compare(ours: ArrayLike<number | bigint>[], path: string, skip: (x: number, y: number) => boolean = () => false, width = 0) {
  const bsq = readFileSync(path);
  let differ = 0, largest = 0;
  const n = ours[0].length;
  ours.forEach((band, b) => {
    for (let i = 0; i < n; i++) {
      if (width && skip(i % width, Math.floor(i / width))) continue;
      const d = Math.abs(Number(band[i]) - bsq[b * n + i]);
      if (d) { differ++; largest = Math.max(largest, d); }
    }
  });
  return { differ, largest, samples: n * ours.length };
}

describe('openRaster reads colour models as GDAL gives them', () => {
  const exact: [string, string][] = [
    ['ycbcr_jpeg_strips', 'YCbCr JPEG (2 × 2 subsampling), strips: RGB from libjpeg-turbo'],
    ['ycbcr_jpeg_tiles', 'YCbCr JPEG, 32 × 48 tiles, quality 95'],
    ['rgb_jpeg', 'RGB JPEG, pixel-interleaved'],
    ['rgb_jpeg_bands', 'RGB JPEG, band-interleaved'],
    ['grey_jpeg', 'one-band JPEG'],
    ['cmyk', 'CMYK, uncompressed: RGBA'],
    ['cmyk_deflate_tiles', 'CMYK, DEFLATE tiles: RGBA'],
    ['cielab', 'CIELab: RGBA'],
    ['ycbcr_11_none', 'YCbCr not in JPEG, no subsampling: RGB'],
    ['ycbcr_22_deflate', 'YCbCr, 2 × 2 subsampling, DEFLATE'],
    ['ycbcr_21_none', 'YCbCr, 2 × 1 subsampling, 9-row strips'],
    ['ycbcr_42_deflate_bt709', 'YCbCr, 4 × 2 subsampling, BT.709 coefficients, ReferenceBlackWhite 16–235/240'],
  ];
  for (const [name, what] of exact) {
    it(`${what}: every sample equals GDAL's`, async () => {
      const f = fixture(name);
      const r = await openRaster(f.tif);
      expect(r.bands).toBe(f.bands);
      expect(compare(await r.read(), f.gdal)).toEqual({ differ: 0, largest: 0, samples: f.width * f.height * f.bands });
      for (const [i, o] of (f.overviews ?? []).entries()) {
        expect(compare(await r.read({ overview: i + 1 }), o.path)).toEqual({ differ: 0, largest: 0, samples: o.width * o.height * f.bands });
      }
      await r.close();
    });
  }

  it('YCbCr, 4 × 4 subsampling: equal to GDAL except the right-edge unit at the foot of each strip, where libtiff 4.5 gives other values', async () => {
    const f = fixture('ycbcr_44_none');
    const r = await openRaster(f.tif);
    // width 203: the last unit is 3 pixels wide; libtiff's putcontig8bitYCbCr44tile fills it from past the strip there
    const lastUnit = (x: number, y: number) => x >= 200 && (y % 32 >= 28 || y >= 116);
    expect(compare(await r.read(), f.gdal, lastUnit, f.width)).toEqual({ differ: 0, largest: 0, samples: f.width * f.height * 3 });
    await r.close();
  });

  it('CMYK in JPEG (4 components, not decoded by TurboJPEG): within 2 levels of GDAL', async () => {
    const f = fixture('cmyk_jpeg');
    const r = await openRaster(f.tif);
    const { largest, differ, samples } = compare(await r.read(), f.gdal);
    console.log(`[colour] CMYK JPEG: ${differ} of ${samples} samples differ from GDAL, by at most ${largest}`);
    expect(largest).toBeLessThanOrEqual(2);
    await r.close();
  });

  it('read({ raw: true }) gives the stored samples: C, M, Y, K; L*, a*, b*; Y, Cb, Cr with the chroma repeated over its block', async () => {
    for (const name of ['cmyk', 'cmyk_deflate_tiles', 'cielab', 'ycbcr_11_none', 'ycbcr_22_deflate', 'ycbcr_42_deflate_bt709', 'ycbcr_44_none']) {
      const f = fixture(name);
      const r = await openRaster(f.tif);
      const raw = await r.read({ raw: true });
      expect(raw.length, name).toBe(f.stored_bands);
      expect(compare(raw, f.stored!), name).toEqual({ differ: 0, largest: 0, samples: f.width * f.height * f.stored_bands! });
      expect((await r.read({ raw: true, bands: [f.stored_bands! - 1] })).length).toBe(1);
      await r.close();
    }
  });

  it("read({ raw: true }) of YCbCr JPEG gives libjpeg's upsampled Y, Cb, Cr: libjpeg's own YCbCr → RGB of them is GDAL's RGB", async () => {
    // jdcolor.c build_ycc_rgb_table (SCALEBITS 16), written out here
    const fix = (x: number) => Math.trunc(x * 65536 + 0.5);
    const crR = (c: number) => (fix(1.402) * (c - 128) + 32768) >> 16;
    const cbB = (c: number) => (fix(1.772) * (c - 128) + 32768) >> 16;
    const g = (cb: number, cr: number) => (-fix(0.34414) * (cb - 128) + 32768 + -fix(0.71414) * (cr - 128)) >> 16;
    const limit = (v: number) => Math.min(255, Math.max(0, v));
    for (const name of ['ycbcr_jpeg_strips', 'ycbcr_jpeg_tiles']) {
      const f = fixture(name);
      const r = await openRaster(f.tif);
      const [Y, Cb, Cr] = asNumbers(await r.read({ raw: true }));
      const rgb = [new Uint8Array(Y.length), new Uint8Array(Y.length), new Uint8Array(Y.length)];
      for (let i = 0; i < Y.length; i++) {
        rgb[0][i] = limit(Y[i] + crR(Cr[i]));
        rgb[1][i] = limit(Y[i] + g(Cb[i], Cr[i]));
        rgb[2][i] = limit(Y[i] + cbB(Cb[i]));
      }
      expect(compare(rgb, f.gdal), name).toEqual({ differ: 0, largest: 0, samples: f.width * f.height * 3 });
      await r.close();
    }
  });

  it('valuesAt gives the converted bands, and the stored ones with raw', async () => {
    const f = fixture('cmyk');
    const r = await openRaster(f.tif);
    const rgba = await r.read({ window: { x: 10, y: 20, width: 1, height: 1 } });
    const cmyk = await r.read({ window: { x: 10, y: 20, width: 1, height: 1 }, raw: true });
    const at = [{ x: r.transform.originX + 10.5, y: r.transform.originY + 20.5 * r.transform.pixelHeight }];
    expect((await r.valuesAt(at)).map((v) => v[0])).toEqual(rgba.map((v) => v[0]));
    expect((await r.valuesAt(at, { raw: true })).map((v) => v[0])).toEqual(cmyk.map((v) => v[0]));
    await r.close();
  });

  it('check states how JPEG and colour models are decoded', async () => {
    const report = await checkFolder(made.dir);
    const warnings = (name: string) => report.files.find((f) => f.file.endsWith(`${name}.tif`))!.warnings;
    expect(warnings('ycbcr_jpeg_tiles')).toContain("JPEG: decoded by libjpeg-turbo (accurate integer IDCT, as GDAL): values equal GDAL's");
    expect(warnings('ycbcr_jpeg_tiles')).toContain('YCbCr read as RGB, as GDAL converts it (read({ raw: true }) gives the stored samples)');
    expect(warnings('cmyk_jpeg').join('\n')).toMatch(/CMYK JPEG: decoded by the JavaScript JPEG decoder .* up to 2 levels/);
    expect(warnings('cielab')).toContain('CIELab read as RGBA, as GDAL converts it (read({ raw: true }) gives the stored samples)');
  }, 60_000);

  it('names the subsampling it cannot read, instead of a size mismatch', async () => {
    const bytes = readFileSync(fixture('ycbcr_22_deflate').tif);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ifd = view.getUint32(4, true);
    for (let i = 0; i < view.getUint16(ifd, true); i++) {
      const at = ifd + 2 + i * 12;
      if (view.getUint16(at, true) === 530) { view.setUint16(at + 8, 3, true); view.setUint16(at + 10, 3, true); }
    }
    const path = join(made.dir, 'ycbcr_33.tif');
    writeFileSync(path, bytes);
    await expect(openRaster(path)).rejects.toThrow(/ycbcr_33\.tif: YCbCr with chroma subsampling 3 × 3, 3 samples of 8 bits, pixel-interleaved, is not supported \(supported: 8-bit, pixel-interleaved, subsampling 1, 2 or 4/);
  });
});
