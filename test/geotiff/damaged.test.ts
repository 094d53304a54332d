import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNoData } from '../../src/geotiff/metadata.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { randomGenerator } from '../../src/core/random.js';
import { python, referee, scriptFixtures } from '../helpers.js';

// Files written by gdal_translate, then damaged in place as other writers damage them
// (make_damaged_fixtures.py); the referee is GDAL's reading, or, where GDAL gives up or reads
// strips as empty, GDAL's reading of the undamaged file.
interface Fixture { name: string; tif: string; gdal: string | null; source: string; error?: string; geotransform?: number[]; nodata?: string | null }

const made = scriptFixtures<Fixture>('test/geotiff/make_damaged_fixtures.py', 'permafrost-damaged-');

const fixture = (name: string) => made.fixtures().find((f) => f.name === name)!;
async function bytesOf(path: string): Promise<{ bytes: Buffer; notices: string[]; raster: Awaited<ReturnType<typeof openRaster>> }> {
  const raster = await openRaster(path);
  const bands = await raster.read();
  return { bytes: Buffer.concat(bands.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))), notices: raster.notices, raster };
}

describe('openRaster recovers damaged strip byte counts, with a notice', () => {
  const asGdal: [string, RegExp][] = [
    ['no_counts_one_strip', /StripByteCounts is missing; counted as 11468 bytes a block, as GDAL \(libtiff\) recovers them/],
    ['no_counts_one_strip_deflate', /StripByteCounts is missing; counted from the block offsets and the file size, as GDAL/],
    ['one_strip_zero', /gives the one uncompressed strip 0 bytes, where it holds 11468/],
    ['one_strip_short', /gives the one uncompressed strip 100 bytes, where it holds 11468/],
    ['strips_wrong_counts', /gives uncompressed strips of different sizes \(7, 2440 bytes\), where each holds 2440/],
  ];
  for (const [name, notice] of asGdal) {
    it(`${name}: every sample equals GDAL's, and the notice says what was recovered`, async () => {
      const f = fixture(name);
      const { bytes, notices, raster } = await bytesOf(f.tif);
      expect(bytes.equals(readFileSync(f.gdal!))).toBe(true);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(notice);
      await raster.close();
    });
  }

  const beyondGdal: [string, RegExp][] = [
    ['no_counts_deflate', /StripByteCounts is missing; .* where GDAL refuses the file/],
    ['no_counts_none', /StripByteCounts is missing; counted as 2440 bytes a block, where GDAL refuses the file/],
    ['no_counts_lzw_tiled', /TileByteCounts is missing; .* where GDAL refuses the file/],
    ['short_count_list', /StripByteCounts lists 3 strips of 5; .* where GDAL reads the unlisted ones as empty/],
  ];
  for (const [name, notice] of beyondGdal) {
    it(`${name}: the undamaged file's samples, and a notice of what GDAL does instead`, async () => {
      const f = fixture(name);
      if (name.startsWith('no_counts')) expect(f.error).toMatch(/MissingRequired/);
      else expect(readFileSync(f.gdal!).equals(readFileSync(f.source))).toBe(false); // GDAL zero-fills the unlisted strips
      const { bytes, notices, raster } = await bytesOf(f.tif);
      expect(bytes.equals(readFileSync(f.source))).toBe(true);
      expect(notices[0]).toMatch(notice);
      await raster.close();
    });
  }

  it('a file without damage has no notices', async () => {
    const r = await openRaster(join(made.dir, 'source.tif'));
    expect(r.notices).toEqual([]);
    await r.close();
  });
});

describe('openRaster reads other damage as GDAL does', () => {
  it('nodata written as older Windows builds write infinities (-1.#INF, 1.#INF)', async () => {
    for (const [name, value] of [['nodata_minus_inf', -Infinity], ['nodata_plus_inf', Infinity]] as const) {
      const f = fixture(name);
      expect(f.nodata).toBe(value > 0 ? 'inf' : '-inf');
      const r = await openRaster(f.tif);
      expect(r.noData).toBe(value);
      await r.close();
    }
    expect(['-1.#INF', '1.#INF', '-1.#IND', '1.#QNAN', '-inf', 'nan'].map((t) => parseNoData(t, 'float32'))).toEqual([-Infinity, Infinity, NaN, NaN, -Infinity, NaN]);
  });

  it('a negative ModelPixelScale y is read north-up, as GDAL reads it', async () => {
    const f = fixture('negative_scale_y');
    const r = await openRaster(f.tif);
    const t = r.transform;
    expect([t.originX, t.pixelWidth, t.rotationX, t.originY, t.rotationY, t.pixelHeight]).toEqual(f.geotransform);
    await r.close();
  });

  it('damaged LZMA and WebP blocks are typed errors naming the block and the codec', async () => {
    for (const [codec, pattern] of [['LZMA', /strip 0 cannot be decoded: LZMA data is damaged/], ['WEBP', /strip 0 cannot be decoded: not WebP data \(no RIFF WEBP header\)/]] as const) {
      const path = join(made.dir, `damaged_${codec}.tif`);
      referee('gdal_translate', ['-q', '-ot', 'Byte', '-scale', '-3000', '3000', '0', '255', '-b', '1', '-b', '2', '-b', '1', join(made.dir, 'source.tif'), path, '-co', `COMPRESS=${codec}`]);
      const bytes = readFileSync(path);
      // damage the middle of the first strip's data
      const info = JSON.parse(referee(python, ['-c', `import json,sys; from osgeo import gdal; ds = gdal.Open(sys.argv[1]); b = ds.GetRasterBand(1); print(json.dumps([int(b.GetMetadataItem('BLOCK_OFFSET_0_0', 'TIFF')), int(b.GetMetadataItem('BLOCK_SIZE_0_0', 'TIFF'))]))`, path]));
      // (an xz stream without a check, or lossy VP8 data, decode damaged data to wrong bytes without a word, in
      // libtiff too: an xz stream's index and footer and a WebP header are what can be checked)
      const from = codec === 'LZMA' ? info[0] + info[1] - 16 : info[0];
      for (let i = from; i < from + 16; i++) bytes[i] ^= 0x5a;
      writeFileSync(path, bytes);
      const damaged = await openRaster(path);
      await expect(damaged.read({ window: { x: 0, y: 0, width: 5, height: 1 } })).rejects.toThrow(pattern);
      await damaged.close();
    }
  });

  it('damaged JPEG, YCbCr-JPEG, LZMA, WebP, CMYK and bit-packed blocks give typed errors or values, never a crash or a hang (60 seeded mutations each)', async () => {
    const random = randomGenerator(29);
    const kinds: [string, string[]][] = [
      ['jpeg', ['-co', 'COMPRESS=JPEG', '-co', 'PHOTOMETRIC=YCBCR', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16']],
      ['grey_jpeg', ['-b', '1', '-co', 'COMPRESS=JPEG']],
      ['lzma', ['-co', 'COMPRESS=LZMA']],
      ['webp', ['-co', 'COMPRESS=WEBP']],
      ['cmyk', ['-b', '1', '-b', '2', '-b', '2', '-b', '1', '-co', 'PHOTOMETRIC=CMYK', '-co', 'COMPRESS=DEFLATE']],
      ['nbits3', ['-b', '1', '-co', 'NBITS=3', '-co', 'COMPRESS=LZW']],
    ];
    const outcomes: Record<string, number> = { values: 0, FormatError: 0 };
    for (const [kind, args] of kinds) {
      const path = join(made.dir, `fuzz_${kind}.tif`);
      const bands = args.includes('-b') ? [] : ['-b', '1', '-b', '2', '-b', '1'];
      const top = kind === 'nbits3' ? '7' : '255';
      referee('gdal_translate', ['-q', '-ot', 'Byte', '-scale', '-3000', '3000', '0', top, ...bands, join(made.dir, 'source.tif'), path, ...args]);
      const original = readFileSync(path);
      const dataStart = 300; // past the header and the first IFD of these small files
      for (let k = 0; k < 60; k++) {
        const bytes = Buffer.from(original);
        const flips = 1 + random.int(0, 5);
        for (let f = 0; f < flips; f++) bytes[random.int(dataStart, bytes.length - 1)] = random.int(0, 255);
        const damaged = join(made.dir, `fuzz_${kind}_${k}.tif`);
        writeFileSync(damaged, bytes);
        try {
          const raster = await openRaster(damaged);
          try { await raster.read(); outcomes.values++; } finally { await raster.close(); }
        } catch (err) {
          expect((err as Error).name, `${kind} mutation ${k}: ${(err as Error).message}`).toMatch(/^(FormatError|LimitError)$/);
          outcomes.FormatError++;
        }
      }
    }
    console.log(`[damaged] ${JSON.stringify(outcomes)}`);
  }, 120_000);
});
