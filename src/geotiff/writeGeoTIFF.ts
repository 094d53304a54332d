import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError, InputError, invalid } from '../errors.js';
import { checkOutputPath, type OutputPathOptions } from '../guard.js';
import { arrayTypeOf, bytesOf, type NumericDataType, type TypedArray } from './metadata.js';
import type { Window } from './types.js';
import { asWritable, buildIfd, header, type Writable, type WritableRaster } from './tiffLayout.js';
import type { TileEncoding } from './encode.js';
import { workerPool } from './workerPool.js';
import { progressOf, type OnProgress } from '../core/progress.js';

export type { WritableRaster } from './tiffLayout.js';

/** Options for {@link writeGeoTIFF}. */
export interface WriteOptions extends OutputPathOptions {
  /** Tile width and height in pixels (multiple of 16). Default 256. */
  tile_size?: number;
  /** @deprecated use `tile_size` (the same number; removed in the next release) */
  tileSize?: number;
  /** Default `deflate`. */
  compression?: 'deflate' | 'none';
  /** DEFLATE level 1–9. Default 6 (GDAL's default). */
  level?: number;
  /** 1 none (default), 2 horizontal differencing (integers), 3 floating point (floats). */
  predictor?: 1 | 2 | 3;
  /** `auto` (default): BigTIFF when the uncompressed image would approach 4 GiB. */
  big_tiff?: 'auto' | boolean;
  /** @deprecated use `big_tiff` (the same choice; removed in the next release) */
  bigTiff?: 'auto' | boolean;
  /** Replace an existing file at `path`. Default false. */
  overwrite?: boolean;
  /** Called after each tile row with the fraction done. */
  on_progress?: OnProgress;
  /** @deprecated use `on_progress` (the same callback). */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What was written. */
export interface WriteResult {
  path: string;
  bytes: number;
  tiles: number;
  /** Whether the file is a BigTIFF. */
  big_tiff: boolean;
  /** @deprecated use `big_tiff` (the same value; removed in the next release) */
  bigTiff: boolean;
}

/**
 * Writes a tiled, compressed GeoTIFF that GDAL reads with its CRS, geotransform, nodata, band
 * names and units. Rows are fetched and written one tile row at a time, compressed on the
 * zlib thread pool; the file is written to a temporary name beside `path` and renamed at the end,
 * so a failure never leaves a half-written file or damages an existing one.
 * @example
 * await writeGeoTIFF('out/trend.tif', { width, height, bands: 1, data_type: 'float32', transform, crs,
 *   nodata: -9999, band_names: ['magt_c_per_decade'], values: [slopes] });
 */
export async function writeGeoTIFF(path: string, input: WritableRaster, options: WriteOptions = {}): Promise<WriteResult> {
  const target = resolve(path);
  const raster = asWritable(input, target);
  checkRaster(raster, target);
  const tileSize = options.tile_size ?? options.tileSize ?? 256;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0 || tileSize > 4096) {
    throw new InputError(invalid('tile_size', tileSize, 'a multiple of 16 from 16 to 4096'));
  }
  const compression = options.compression ?? 'deflate';
  if (compression !== 'deflate' && compression !== 'none') throw new InputError(invalid('compression', compression, '"deflate" or "none"'));
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new InputError(invalid('level', level, 'an integer from 1 to 9'));
  const predictor = options.predictor ?? 1;
  const floating = raster.data_type.startsWith('float');
  if (![1, 2, 3].includes(predictor) || (predictor === 3 && !floating)) {
    throw new InputError(invalid('predictor', predictor, floating ? '1, 2 or 3' : '1 or 2 (3 is for float data)'));
  }
  if (predictor !== 1 && compression === 'none') throw new InputError(invalid('predictor', predictor, '1 when compression is "none"'));
  const bps = bytesOf(raster.data_type);
  const uncompressed = raster.width * raster.height * raster.bands * bps;
  const choice = options.big_tiff ?? options.bigTiff ?? 'auto';
  const bigTiff = choice === 'auto' ? uncompressed > 3.9 * 2 ** 30 : choice;

  checkOutputPath(target, options);
  if (existsSync(target)) {
    if (raster.source && sameFile(raster.source, target)) throw new InputError(`refusing to write over the file being read: ${target}`);
    if (!options.overwrite) throw new FileError('the file exists; pass { overwrite: true } to replace it', target);
  }
  if (!existsSync(dirname(target))) throw new FileError('the folder does not exist', dirname(target));

  const across = Math.ceil(raster.width / tileSize);
  const down = Math.ceil(raster.height / tileSize);
  const tiles = across * down * raster.bands;
  const offsets = new Float64Array(tiles);
  const counts = new Float64Array(tiles);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  let position = bigTiff ? 16 : 8;
  try {
    const Type = arrayTypeOf(raster.data_type as NumericDataType); // checked by checkRaster
    const fill = raster.nodata ?? 0;
    // tiles are encoded (predictor, DEFLATE) on the worker threads while the next ones are cut here
    const pool = workerPool();
    const encoding: TileEncoding = { size: tileSize, bps, predictor, compression, level };
    for (let ty = 0; ty < down; ty++) {
      if (options.signal?.aborted) throw new InputError('writing aborted');
      const y = ty * tileSize;
      const rows = Math.min(tileSize, raster.height - y);
      const strip = await stripOf(raster, { x: 0, y, width: raster.width, height: rows });
      // band by band: one band's tiles of this strip are copied and compressed at a time
      for (let band = 0; band < raster.bands; band++) {
        const jobs: Promise<Uint8Array>[] = [];
        for (let tx = 0; tx < across; tx++) {
          jobs.push(pool.encode(() => {
            const tile = new Type(tileSize * tileSize) as TypedArray;
            const x = tx * tileSize;
            const cols = Math.min(tileSize, raster.width - x);
            if (fill !== 0 && (cols < tileSize || rows < tileSize)) tile.fill(fill); // only edge tiles have cells outside the image
            const from = strip[band];
            // row by row without a view per row (millions of short-lived views at 1 km kept the collector busy)
            for (let r = 0; r < rows; r++) {
              const src = r * raster.width + x;
              const dst = r * tileSize;
              for (let c = 0; c < cols; c++) tile[dst + c] = from[src + c];
            }
            return new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
          }, encoding));
        }
        const encoded = await Promise.all(jobs);
        for (let tx = 0; tx < across; tx++) {
          const index = band * across * down + ty * across + tx;
          offsets[index] = position;
          counts[index] = encoded[tx].byteLength;
          await writeAll(handle, encoded[tx], position);
          position += encoded[tx].byteLength;
        }
      }
      progressOf(options)?.((ty + 1) / down);
    }
    if (!bigTiff && position > 0xffffffff - 1e6) {
      throw new FileError('the compressed data passed 4 GiB; write again with { big_tiff: true }', target);
    }
    const ifdOffset = position + (position % 2);
    const ifd = buildIfd(raster, { tileSize, compression, predictor, bigTiff, offsets, counts, ifdOffset });
    await writeAll(handle, ifd, ifdOffset);
    await writeAll(handle, header(bigTiff, ifdOffset), 0);
    await handle.sync();
    await handle.close();
    await rename(temporary, target);
    return { path: target, bytes: ifdOffset + ifd.byteLength, tiles, big_tiff: bigTiff, bigTiff };
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw err;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

function checkRaster(r: Writable, target: string): void {
  const where = target;
  if (!r || !Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width < 1 || r.height < 1) {
    throw new InputError(invalid('raster size', `${r?.width} × ${r?.height}`, 'whole numbers of pixels, at least 1 × 1'), where);
  }
  if (!Number.isInteger(r.bands) || r.bands < 1 || r.bands > 65535) throw new InputError(invalid('bands', r.bands, 'a count from 1'), where);
  if (!['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'].includes(r.data_type)) {
    throw new InputError(invalid('data_type', r.data_type, 'uint8, int16, float32 or another numeric TIFF type'), where);
  }
  const t = r.transform;
  if (t.pixel_width === 0 || t.pixel_height === 0) {
    throw new InputError(invalid('transform', JSON.stringify(r.transform), 'finite origin and non-zero pixel size'), where);
  }
  if (r.values) {
    if (r.values.length !== r.bands) throw new InputError(invalid('values', `${r.values.length} arrays`, `${r.bands}, one per band`), where);
    r.values.forEach((v, i) => {
      if (v.length !== r.width * r.height) throw new InputError(invalid(`values of band ${i + 1}`, `${v.length} samples`, `${r.width * r.height} (width × height)`), where);
    });
  } else if (typeof r.read !== 'function') {
    throw new InputError('a raster to write needs `values` (one array per band) or a `read({ window })` function', where);
  }
  for (const [name, list] of [['band_names', r.band_names], ['band_units', r.band_units]] as const) {
    if (list && list.length !== r.bands) throw new InputError(invalid(name, `${list.length} entries`, `${r.bands}, one per band`), where);
  }
}

async function stripOf(r: Writable, window: Window): Promise<TypedArray[]> {
  const Type = arrayTypeOf(r.data_type as NumericDataType); // checked by checkRaster
  if (r.values) {
    return r.values.map((v) => {
      const start = window.y * r.width;
      const part = v.subarray(start, start + window.height * r.width);
      return part instanceof Type ? part : (new Type(part as ArrayLike<number>) as TypedArray);
    });
  }
  const got = await r.read!({ window });
  if (!Array.isArray(got) || got.length !== r.bands || got.some((b) => b.length !== window.width * window.height)) {
    throw new InputError(`read({ window: ${JSON.stringify(window)} }) must return ${r.bands} arrays of ${window.width * window.height} samples`);
  }
  return got.map((b) => (b instanceof Type ? b : (new Type(b as ArrayLike<number>) as TypedArray)));
}

async function writeAll(handle: import('node:fs/promises').FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

