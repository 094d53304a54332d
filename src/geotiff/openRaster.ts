import './workerShim.js'; // before geotiff: see workerShim.ts
import { asFormatError, openSource, type ByteSource } from './source.js';
import { registerBlockAccess } from './blockAccess.js';
import { blockReader } from './blockReader.js';
import { describeRaster, readRasterHeader } from './rasterHeader.js';
import { readWindow, valuesAtPoints } from './rasterReads.js';
import { bandTransforms, type ValueTransform } from './valueTransforms.js';
import { rasterNames } from './rasterNames.js';
import type { OpenRasterOptions, Point, Raster, ReadOptions, ValuesAtOptions } from './types.js';

export { bboxOf, invertTransform } from './transform.js';
export type { BBox, BlockJob, Overview, OpenRasterOptions, Point, Raster, RasterInternals, ReadOptions, Transform, ValuesAtOptions, Window } from './types.js';

/**
 * Opens a GeoTIFF from a path, an `http(s)://` URL (read with range requests) or bytes. Only the
 * header and directories are read here; pixels are read by `read` and `valuesAt`.
 * @example
 * const r = await openRaster('data/sample/magt.tif');
 * const [band] = await r.read({ window: { x: 0, y: 0, width: 100, height: 100 }, bands: [7] });
 */
export async function openRaster(input: string | URL | Uint8Array | ArrayBuffer, options: OpenRasterOptions = {}): Promise<Raster> {
  const source = await openSource(input, options);
  try {
    return await parseRaster(source, options);
  } catch (err) {
    await source.close();
    throw asFormatError(err, source.name, 'cannot read the TIFF structure');
  }
}

/** The raster of an open source: its header (rasterHeader.ts), block reader (blockReader.ts) and reads (rasterReads.ts). */
async function parseRaster(source: ByteSource, options: OpenRasterOptions): Promise<Raster> {
  const header = await readRasterHeader(source, options);
  const blocks = blockReader(source, header, options);
  /** Per band: stored value × scale + offset (a unit conversion may multiply both). */
  const transforms: ValueTransform[] = Array.from({ length: Math.max(header.bandCount, header.samples) },
    (_, b) => ({ scale: header.scale?.[b] ?? 1, offset: header.offset?.[b] ?? 0 }));
  const maxReadBytes = options.maxReadBytes ?? 8 * 2 ** 30;
  const raster: Raster = rasterNames({
    ...describeRaster(header),
    stats: source.stats,
    read: (opts?: ReadOptions) => readWindow(blocks, transforms, opts, maxReadBytes),
    valuesAt: (points: Point[], opts?: ValuesAtOptions) => valuesAtPoints(blocks, transforms, points, opts),
    close: () => source.close(),
  }) as Raster;
  return registerBlockAccess(raster, {
    blocks: blocks.jobs,
    ...bandTransforms(transforms, blocks.pickBands),
    layoutOf: (job, overview) => blocks.layoutOf(blocks.pickImage(overview), job.index),
    readBlockBytes: blocks.readBlockBytes,
  });
}
