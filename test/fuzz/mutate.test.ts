// The fuzzer's GDAL_METADATA case: a huge damaged tag written into a real TIFF, which GDAL reads as a
// TIFF, and which openRaster opens or refuses with a FormatError at once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { gdalMetadataOf, mutateTiff, withGdalMetadata } from '../../src/fuzz/mutate.js';
import { epsgToProj4 } from '../../src/geotiff/crs.js';
import { openRaster } from '../../src/geotiff/openRaster.js';
import { writeGeoTIFF } from '../../src/geotiff/writeGeoTIFF.js';
import { randomGenerator } from '../../src/core/random.js';
import { realdata, referee, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-mutate-');
afterAll(() => tmp.cleanup());

let written = 0;
async function ours(bigTiff = false): Promise<Uint8Array> {
  const file = join(tmp.dir, `ours-${written++}.tif`);
  await writeGeoTIFF(file, { width: 5, height: 3, bands: 2, dataType: 'int16', values: [new Int16Array(15), new Int16Array(15).fill(7)], bandNames: ['1980-1984', '1985-1989'],
    crs: epsgToProj4(3995)!,
    transform: { originX: 0, originY: 0, pixelWidth: 1000, pixelHeight: -1000, rotationX: 0, rotationY: 0 } }, { big_tiff: bigTiff });
  return new Uint8Array(readFileSync(file));
}

describe('withGdalMetadata(tiff, xml)', () => {
  it('writes the tag that gdalinfo then lists, into a file of ours (replacing it) and a third-party one (adding it); null for BigTIFF', async () => {
    const xml = '<GDALMetadata><Item name="ADDED">a &amp;amp; b</Item><Item name="DESCRIPTION" sample="1" role="description">second</Item></GDALMetadata>';
    for (const [name, bytes] of [['ours.tif', await ours()], ['variant_b.tif', new Uint8Array(readFileSync(join(realdata, 'geotiff/polar_stereographic_variant_b.tif')))]] as const) {
      const file = join(tmp.dir, `with-${name}`);
      writeFileSync(file, withGdalMetadata(bytes, xml)!);
      const info = JSON.parse(referee('gdalinfo', ['-json', file]));
      expect(info.metadata[''].ADDED, name).toBe('a & b');
      expect(info.bands[1]?.description ?? '', name).toBe(name === 'ours.tif' ? 'second' : '');
      expect(gdalMetadataOf(new Uint8Array(readFileSync(file)))).toBe(xml);
    }
    expect(withGdalMetadata(await ours(true), xml)).toBeNull();
  });
});

describe('mutateTiff(seed, random): the gdal-metadata case', () => {
  it('writes damaged GDAL_METADATA, megabytes of it in some cases, that openRaster opens or refuses with a FormatError in under 1 s each', async () => {
    const seed = await ours();
    const random = randomGenerator(11);
    const cases: { mutation: string; bytes: Uint8Array }[] = [];
    while (cases.length < 24) {
      const m = mutateTiff(seed, random);
      if (m.mutation.startsWith('gdal-metadata')) cases.push(m);
    }
    const sizes = cases.map((c) => gdalMetadataOf(c.bytes)?.length ?? 0);
    expect(Math.max(...sizes)).toBeGreaterThan(1_000_000);
    const outcomes: string[] = [];
    for (const c of cases) {
      const started = performance.now();
      const outcome = await openRaster(c.bytes).then((r) => r.close().then(() => 'opened'), (err) => (err instanceof FormatError ? 'FormatError' : `${c.mutation}: ${err}`));
      outcomes.push(outcome);
      expect(performance.now() - started, c.mutation).toBeLessThan(1000);
    }
    expect(outcomes.filter((o) => o !== 'opened' && o !== 'FormatError')).toEqual([]);
    expect(outcomes).toContain('FormatError');
  });
});
