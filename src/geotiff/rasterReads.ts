// A GeoTIFF's two reads: a window of some bands (`read`), and band values at points (`valuesAt`),
// both over the block reader, with each band's value transform applied unless raw.
import proj4 from 'proj4';
import { FormatError, InputError, LimitError, PermafrostError, invalid } from '../errors.js';
import { arrayTypeOf, bytesOf, type SampleArray } from './metadata.js';
import { workerPool } from './workerPool.js';
import { checkWindow, copyBlock, storedView } from './blocks.js';
import { crsFromOption, invertTransform, KNOWN_LONLAT } from './transform.js';
import { RAW, storedValue, unscaled, type ValueTransform } from './valueTransforms.js';
import type { BlockReader } from './blockReader.js';
import type { Point, ReadOptions, ValuesAtOptions } from './types.js';

/**
 * Reads a window of some bands of a raster: one typed array per band, row by row; values unless
 * `raw` (see ReadOptions). `transforms` holds each band's value transform.
 * @example const [band] = await readWindow(blocks, transforms, { bands: [0] });
 */
export async function readWindow(blocks: BlockReader, transforms: ValueTransform[], opts: ReadOptions = {}, maxReadBytes = 8 * 2 ** 30): Promise<SampleArray[]> {
  const { name, dataType, parts, nodata } = blocks.header;
  const image = storedView(blocks.pickImage(opts.overview), !!opts.raw);
  const window = opts.window ?? { x: 0, y: 0, width: image.width, height: image.height };
  checkWindow(window, image, name);
  const bands = blocks.pickBands(opts.bands, image.samples);
  const bytes = window.width * window.height * bands.length * bytesOf(dataType);
  if (bytes > maxReadBytes) {
    throw new LimitError(`reading ${window.width} × ${window.height} pixels of ${bands.length} band(s) needs ${bytes} bytes, more than the maximum of ${maxReadBytes} (option maxReadBytes); read smaller windows`, name);
  }
  const Type = arrayTypeOf(dataType);
  const out = bands.map(() => new Type(window.width * window.height * parts) as SampleArray);
  const fill = nodata ?? 0;
  const bx0 = Math.floor(window.x / image.blockWidth);
  const bx1 = Math.floor((window.x + window.width - 1) / image.blockWidth);
  const by0 = Math.floor(window.y / image.blockHeight);
  const by1 = Math.floor((window.y + window.height - 1) / image.blockHeight);
  const perBand = image.blocksAcross * image.blocksDown;
  const jobs: { index: number; bx: number; by: number; band: number; slot: number }[] = [];
  for (let by = by0; by <= by1; by++) {
    for (let bx = bx0; bx <= bx1; bx++) {
      if (image.planar === 2) bands.forEach((band, slot) => jobs.push({ index: band * perBand + by * image.blocksAcross + bx, bx, by, band, slot }));
      else jobs.push({ index: by * image.blocksAcross + bx, bx, by, band: bands[0], slot: -1 });
    }
  }
  const usePool = jobs.length > 1;
  const inFlight = Math.max(2, workerPool().size * 2);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      if (opts.signal?.aborted) throw new InputError('read aborted', name);
      const job = jobs[next++];
      const data = await blocks.block(image, job.index, job.band, usePool);
      copyBlock(image, data, job, window, bands, out, fill, parts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, jobs.length) }, worker));
  if (opts.raw) return out;
  const identity = (band: number) => transforms[band].scale === 1 && transforms[band].offset === 0;
  return out.map((values, i) => (identity(bands[i]) ? values : unscaled(values, dataType, nodata, transforms[bands[i]])));
}

/**
 * Values of a raster's bands at points: one Float64Array per band, NaN outside the image or at
 * nodata. Blocks decode on the worker pool, a bounded number at a time; a worker undoes the
 * predictor only in the rows that hold points and sends back just their values.
 * @example const [magt] = await valuesAtPoints(blocks, transforms, [{ lon: 100, lat: 70 }]);
 */
export async function valuesAtPoints(blocks: BlockReader, transforms: ValueTransform[], points: Point[], opts: ValuesAtOptions = {}): Promise<Float64Array[]> {
  const { name, dataType, parts, nodata, crs, transform, images } = blocks.header;
  if (!Array.isArray(points)) throw new InputError(invalid('points', typeof points, 'an array of {lon, lat} or {x, y}'), name);
  if (parts === 2) throw new InputError(`valuesAt gives one number per band, and the bands are complex (${dataType}); read a window with read() instead`, name);
  const raw = !!opts.raw;
  const image = storedView(images[0], raw);
  const bands = blocks.pickBands(opts.bands, image.samples);
  const out = bands.map(() => new Float64Array(points.length).fill(NaN));
  const isLonLat = points.length > 0 && 'lon' in points[0];
  const fromCrs = opts.crs !== undefined ? crsFromOption(opts.crs).proj4 : isLonLat ? KNOWN_LONLAT : crs?.proj4;
  if (!crs && fromCrs !== undefined && isLonLat) throw new InputError('the raster has no CRS, so lon/lat points cannot be placed; give {x, y} in pixel-grid units', name);
  const converter = crs && fromCrs && fromCrs !== crs.proj4 ? proj4(fromCrs, crs.proj4) : null;
  const inverse = invertTransform(transform);
  const perBand = image.blocksAcross * image.blocksDown;
  const byBlock = new Map<number, { point: number; offset: number; slot: number }[]>();
  points.forEach((p, i) => {
    const xy = 'lon' in p ? [p.lon, p.lat] : [p.x, p.y];
    if (!Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) return;
    const [x, y] = converter ? converter.forward(xy) : xy;
    const col = Math.floor(inverse.origin_x + x * inverse.pixel_width + y * inverse.rotation_x);
    const row = Math.floor(inverse.origin_y + x * inverse.rotation_y + y * inverse.pixel_height);
    if (!(col >= 0 && row >= 0 && col < image.width && row < image.height)) return;
    const bx = Math.floor(col / image.blockWidth);
    const by = Math.floor(row / image.blockHeight);
    const within = (row - by * image.blockHeight) * image.blockWidth + (col - bx * image.blockWidth);
    bands.forEach((band, slot) => {
      const index = (image.planar === 2 ? band * perBand : 0) + by * image.blocksAcross + bx;
      const offset = image.planar === 2 ? within : within * image.samples + band;
      if (image.planar === 1 && slot > 0) return;
      const list = byBlock.get(index) ?? [];
      list.push({ point: i, offset, slot: image.planar === 2 ? slot : -1 });
      byBlock.set(index, list);
    });
  });
  const nd = nodata ?? NaN;
  /** A stored value as a value: NaN at nodata, scaled unless `raw`. */
  const clean = (v: number, band: number) => {
    const t = raw ? RAW : transforms[band];
    return storedValue(v, nd, t.scale, t.offset);
  };
  const entries = [...byBlock];
  let next = 0;
  const assign = (list: { point: number; offset: number; slot: number }[], value: (offset: number) => number) => {
    for (const { point, offset, slot } of list) {
      if (slot >= 0) out[slot][point] = clean(value(offset), bands[slot]);
      else bands.forEach((band, s) => { out[s][point] = clean(value(offset - bands[0] + band), band); });
    }
  };
  const worker = async () => {
    while (next < entries.length) {
      const [index, list] = entries[next++];
      const cached = blocks.cache.get(`${image.key}:${index}`);
      if (cached) { assign(list, (o) => Number(cached[o])); continue; }
      if (!image.offsets[index] || !image.byteCounts[index]) { assign(list, () => NaN); continue; }
      const offsets = [...new Set(list.flatMap(({ offset, slot }) => (slot >= 0 ? [offset] : bands.map((b) => offset - bands[0] + b))))];
      const what = `band ${bands[0] + 1} ${image.tiled ? 'tile' : 'strip'} ${index}`;
      const read = () => blocks.source.read({ offset: image.offsets[index], length: image.byteCounts[index] }, what);
      let values: Float64Array;
      try {
        // a block whose worker died is read again and picked once more
        values = await workerPool().again(read, (b) => workerPool().pick(b, blocks.layoutOf(image, index), Uint32Array.from(offsets), dataType), `reading ${what}`, name);
      } catch (err) {
        if (err instanceof PermafrostError) throw err;
        throw new FormatError(`${what} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`, name);
      }
      const at = new Map(offsets.map((o, i) => [o, values[i]]));
      assign(list, (o) => at.get(o)!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(entries.length, workerPool().size * 3) }, worker));
  return out;
}
