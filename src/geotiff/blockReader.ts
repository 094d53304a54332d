// Reading a GeoTIFF's blocks (tiles or strips): where each is, how it is stored, its bytes, and its
// decoded samples (on the worker pool when several are wanted, cached by recency). Also the block
// jobs of whole bands that the streaming passes plan from (blockAccess.ts).
import { FormatError, InputError, PermafrostError, invalid } from '../errors.js';
import { decodeBlock, type BlockLayout } from './decode.js';
import type { SampleArray } from './metadata.js';
import type { ByteSource } from './source.js';
import { typedSamplesOf, workerPool } from './workerPool.js';
import { BlockCache } from './blocks.js';
import type { RasterHeader } from './rasterHeader.js';
import type { BlockJob, Image, OpenRasterOptions } from './types.js';

/** A raster's blocks, as its reads and passes use them. */
export interface BlockReader {
  source: ByteSource;
  header: RasterHeader;
  cache: BlockCache;
  /** Decoded block `index` of `image`, samples in native order (cached); null for a block never written. */
  block(image: Image, index: number, bandForMessage: number, usePool: boolean): Promise<SampleArray | null>;
  /** How block `index` of `image` is stored. */
  layoutOf(image: Image, index: number): BlockLayout;
  /** The image of an overview level (0: full resolution), checked. */
  pickImage(overview: number | undefined): Image;
  /** The bands asked for (default all `count`), checked. */
  pickBands(bands: number[] | undefined, count?: number): number[];
  /** The blocks holding these bands, one job per band and place. */
  jobs(bands: number[], overview?: number): BlockJob[];
  /** The stored bytes of one block job. */
  readBlockBytes(job: BlockJob, overview?: number): Promise<Uint8Array>;
}

/**
 * The block reader of a GeoTIFF whose header has been read.
 * @example const blocks = blockReader(source, await readRasterHeader(source, options), options);
 */
export function blockReader(source: ByteSource, header: RasterHeader, options: OpenRasterOptions): BlockReader {
  const { name, images, dataType, parts, partBytes, storedAs, bandCount } = header;
  const cache = new BlockCache(options.cacheBytes ?? 64 * 2 ** 20);

  async function block(image: Image, index: number, bandForMessage: number, usePool: boolean): Promise<SampleArray | null> {
    const key = `${image.key}:${index}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const offset = image.offsets[index];
    const count = image.byteCounts[index];
    if (!offset || !count) return null; // sparse: never written
    const what = `band ${bandForMessage + 1} ${image.tiled ? 'tile' : 'strip'} ${index}`;
    const read = () => source.read({ offset, length: count }, what);
    const layout = layoutOf(image, index);
    let decoded: Uint8Array;
    try {
      // a block whose worker died is read again and decoded once more (decoding is pure)
      decoded = usePool && image.compression !== 1 ? await workerPool().again(read, (b) => workerPool().decode(b, layout), `decoding ${what}`, name)
        : await decodeBlock(await read(), layout);
    } catch (err) {
      if (err instanceof PermafrostError) throw err;
      throw new FormatError(`${what} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`, name);
    }
    const samplesArray = typedSamplesOf(decoded, layout, dataType);
    cache.set(key, samplesArray);
    return samplesArray;
  }

  function layoutOf(image: Image, index: number): BlockLayout {
    const row = Math.floor((index % (image.blocksAcross * image.blocksDown)) / image.blocksAcross) * image.blockHeight;
    return {
      compression: image.compression, predictor: image.predictor, bytesPerSample: partBytes, floating: dataType === 'float32' || dataType === 'float64',
      samples: (image.planar === 1 ? image.samples : 1) * parts, width: image.blockWidth, stored: storedAs,
      rows: image.tiled ? image.blockHeight : Math.min(image.blockHeight, image.height - row),
      littleEndian: header.tiff.littleEndian, planar: image.planar, lercParameters: image.lercParameters, jpegTables: image.jpegTables,
      photometric: image.photometric, raw: image.raw, colour: image.colour,
    };
  }

  function pickImage(overview: number | undefined): Image {
    const level = overview ?? 0;
    if (!Number.isInteger(level) || level < 0 || level >= images.length) {
      throw new InputError(invalid('overview', overview, images.length > 1 ? `0 to ${images.length - 1}` : '0 (the file has no overviews)'), name);
    }
    return images[level];
  }

  function pickBands(bands: number[] | undefined, count = bandCount): number[] {
    const list = bands ?? Array.from({ length: count }, (_, i) => i);
    if (!Array.isArray(list) || list.length === 0) throw new InputError(invalid('bands', list, 'a non-empty array of 0-based band indexes'), name);
    for (const b of list) {
      if (!Number.isInteger(b) || b < 0 || b >= count) throw new InputError(invalid('band', b, `0 to ${count - 1} (0-based)`), name);
    }
    return list;
  }

  function jobs(bands: number[], overview?: number): BlockJob[] {
    const image = pickImage(overview);
    const list = pickBands(bands);
    const chunky = image.planar === 1 && image.samples > 1;
    const perBand = image.blocksAcross * image.blocksDown;
    const out: BlockJob[] = [];
    for (const band of list) {
      for (let by = 0; by < image.blocksDown; by++) {
        for (let bx = 0; bx < image.blocksAcross; bx++) {
          const index = (image.planar === 2 ? band * perBand : 0) + by * image.blocksAcross + bx;
          const col = bx * image.blockWidth;
          const row = by * image.blockHeight;
          out.push({ band, index, sample: chunky ? band : 0, col, row, cols: Math.min(image.blockWidth, image.width - col), rows: Math.min(image.blockHeight, image.height - row),
            sparse: !image.offsets[index] || !image.byteCounts[index] });
        }
      }
    }
    return out;
  }

  function readBlockBytes(job: BlockJob, overview?: number): Promise<Uint8Array> {
    const image = pickImage(overview);
    return source.read({ offset: image.offsets[job.index], length: image.byteCounts[job.index] }, `band ${job.band + 1} ${image.tiled ? 'tile' : 'strip'} ${job.index}`);
  }

  return { source, header, cache, block, layoutOf, pickImage, pickBands, jobs, readBlockBytes };
}
