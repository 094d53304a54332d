// The libdeflate addon (src/geotiff/inflate.c) against Node's zlib: the same bytes on every stream it
// decodes, and it never decodes a stream zlib refuses (damaged, cut short, too large).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticProduct } from '../../src/sample/generateSample.js';
import { randomGenerator } from '../../src/core/random.js';
import { built, python, referee, tempDir } from '../helpers.js';

const addon = (() => {
  try { return createRequire(import.meta.url)(join(built, 'geotiff/inflate.node')) as { inflate: (b: Uint8Array, limit: number) => Uint8Array | null }; } catch { return null; }
})();

const tmp = tempDir('permafrost-inflate-');
let tiles: Uint8Array[] = [];
const limit = 256 * 256 * 4;

beforeAll(async () => {
  await generateSyntheticProduct({ out: tmp.dir, resolution_m: 25_000, parts: ['magt'] });
  const file = join(tmp.dir, 'magt.tif');
  const places = referee(python, ['-c', `from osgeo import gdal
d = gdal.Open('${file}')
for b in range(1, d.RasterCount + 1):
    band = d.GetRasterBand(b)
    for y in range(2):
        for x in range(2):
            print(band.GetMetadataItem(f'BLOCK_OFFSET_{x}_{y}', 'TIFF'), band.GetMetadataItem(f'BLOCK_SIZE_{x}_{y}', 'TIFF'))`]).trim().split('\n').map((l) => l.split(' ').map(Number));
  const bytes = readFileSync(file);
  tiles = places.map(([offset, size]) => new Uint8Array(bytes.subarray(offset, offset + size)));
}, 60_000);

function zlib(bytes: Uint8Array, max: number): Uint8Array | null {
  try { return inflateSync(bytes, { maxOutputLength: max }); } catch { return null; }
}

describe.skipIf(!addon)('the libdeflate addon decodes as zlib does', () => {
  it('the same bytes on every tile GDAL wrote (DEFLATE + predictor 3)', () => {
    expect(tiles.length).toBe(32);
    for (const tile of tiles) expect(Buffer.compare(addon!.inflate(tile, limit)!, zlib(tile, limit)!)).toBe(0);
  });

  it('on 1,500 damaged streams (bit flips, overwritten bytes, cuts, junk after the end, a limit too small) it either gives zlib\'s bytes or leaves the stream to zlib', () => {
    const generator = randomGenerator(7);
    const random = () => generator.next();
    let decoded = 0, refused = 0;
    for (let k = 0; k < 1500; k++) {
      const tile = new Uint8Array(tiles[k % tiles.length]);
      const kind = k % 5;
      let bytes = tile;
      if (kind === 0) bytes[Math.floor(random() * tile.length)] ^= 1 << Math.floor(random() * 8);
      else if (kind === 1) bytes.fill(Math.floor(random() * 256), Math.floor(random() * tile.length), Math.floor(random() * tile.length));
      else if (kind === 2) bytes = tile.subarray(0, Math.floor(random() * tile.length));
      else if (kind === 3) bytes = Uint8Array.from([...tile, ...Array.from({ length: 16 }, () => Math.floor(random() * 256))]);
      const max = kind === 4 ? Math.floor(random() * limit) : limit;
      const ours = addon!.inflate(bytes, max);
      const theirs = zlib(bytes, max);
      if (ours) {
        decoded++;
        expect(theirs, `stream ${k}: libdeflate decoded what zlib refuses`).not.toBeNull();
        expect(Buffer.compare(ours, theirs!), `stream ${k}`).toBe(0);
      } else refused++;
    }
    expect(decoded).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
