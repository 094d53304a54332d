import './workerShim.js'; // before geotiff: see workerShim.ts
import { bandTransforms } from './valueTransforms.js';
import { GeoTIFF, type ImageFileDirectory } from 'geotiff';
import proj4 from 'proj4';
import { FormatError, InputError, LimitError, PermafrostError, invalid } from '../errors.js';
import { geoKeysToCrs } from './crs.js';
import { COMPRESSION_NAMES, SUPPORTED_COMPRESSIONS, decodeBlock, type BlockLayout } from './decode.js';
import { readHeader, readTagNumbers, scanIfds } from './ifdScan.js';
import { arrayTypeOf, bytesOf, parseGdalMetadata, parseNoData, partsOf, sampleTypeOf, type SampleArray } from './metadata.js';
import { applyPam, parsePam } from './pam.js';
import { asFormatError, openSource, type ByteSource } from './source.js';
import { typedSamplesOf, workerPool } from './workerPool.js';
import { adapt, BlockCache, checkWindow, copyBlock, recoverByteCounts, storedView } from './blocks.js';
import { colourModelOf, outputSamples, photometricName } from './colour.js';
import { bboxOf, crsFromOption, invertTransform, KNOWN_LONLAT, readTransform } from './transform.js';
import { RASTER_INTERNALS, type BlockJob, type Image, type OpenRasterOptions, type Overview, type Point, type Raster, type RasterInternals,
  type ReadOptions, type ValuesAtOptions } from './types.js';

export { bboxOf, invertTransform } from './transform.js';
export { RASTER_INTERNALS } from './types.js';
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

async function parseRaster(source: ByteSource, options: OpenRasterOptions): Promise<Raster> {
  const name = source.name, header = await readHeader(source);
  const ifdOffsets = await scanIfds(source, header);
  const tiff = await GeoTIFF.fromSource(adapt(source) as never);
  const ifds: ImageFileDirectory[] = [];
  for (const offset of ifdOffsets) ifds.push(await tiff.parser.parseFileDirectoryAt(offset));

  const main = ifds[0];
  const value = async (ifd: ImageFileDirectory, tag: string) => (ifd.hasTag(tag as never) ? await ifd.loadValue(tag as never) : undefined);
  const first = (v: unknown, fallback: number): number =>
    (v === undefined || v === null ? fallback : Number(ArrayBuffer.isView(v) || Array.isArray(v) ? (v as ArrayLike<number>)[0] : v));

  const samples = first(await value(main, 'SamplesPerPixel'), 1);
  const { bits, format, type: dataType, stored: storedAs } = sampleTypeOf(await value(main, 'BitsPerSample'), await value(main, 'SampleFormat'), name);
  const parts = partsOf(dataType), partBytes = bytesOf(dataType) / parts; // numbers per sample (2 for complex types) and bytes of each
  if (!(samples >= 1 && samples <= 65535)) throw new FormatError(invalid('SamplesPerPixel', samples, '1 or more'), name);

  const maxDimension = options.maxDimension ?? 1_000_000, maxBlockBytes = options.maxBlockBytes ?? 256 * 2 ** 20;
  const images: Image[] = [], overviews: Overview[] = [];
  const notices: string[] = []; // what was recovered from, as GDAL warns of it
  for (const [index, ifd] of ifds.entries()) {
    const subfile = first(await value(ifd, 'NewSubfileType'), 0);
    if (index > 0 && ((subfile & 1) === 0 || (subfile & 4) !== 0)) continue; // other pages, masks
    if (index > 0 && first(await value(ifd, 'SamplesPerPixel'), 1) !== samples) continue;
    const image = await describeImage(ifd, index);
    if (index > 0) overviews.push({ level: overviews.length + 1, width: image.width, height: image.height });
    images.push(image);
  }

  async function describeImage(ifd: ImageFileDirectory, index: number): Promise<Image> {
    const where = index === 0 ? 'image' : `overview IFD ${index}`;
    const width = first(await value(ifd, 'ImageWidth'), 0);
    const height = first(await value(ifd, 'ImageLength'), 0);
    if (!(width >= 1 && height >= 1)) throw new FormatError(`${where} has no pixels (${width} × ${height})`, name);
    if (width > maxDimension || height > maxDimension) {
      throw new LimitError(`${where} is ${width} × ${height} pixels, more than the maximum of ${maxDimension} per side (option maxDimension)`, name);
    }
    const tiled = ifd.hasTag('TileWidth' as never);
    const blockWidth = tiled ? first(await value(ifd, 'TileWidth'), 0) : width;
    const rowsPerStrip = first(await value(ifd, 'RowsPerStrip'), height);
    const blockHeight = tiled ? first(await value(ifd, 'TileLength'), 0) : Math.min(rowsPerStrip, height);
    if (!(blockWidth >= 1 && blockHeight >= 1)) throw new FormatError(`${where} has a block size of ${blockWidth} × ${blockHeight}`, name);
    const planar = first(await value(ifd, 'PlanarConfiguration'), 1) === 2 ? 2 : 1;
    const blockBytes = blockWidth * blockHeight * (planar === 1 ? samples : 1) * bytesOf(dataType!);
    if (blockBytes > maxBlockBytes) {
      throw new LimitError(`${where} has blocks of ${blockWidth} × ${blockHeight} pixels (${blockBytes} bytes), more than the maximum of ${maxBlockBytes} bytes (option maxBlockBytes)`, name);
    }
    const compression = first(await value(ifd, 'Compression'), 1);
    if (!SUPPORTED_COMPRESSIONS.has(compression)) {
      throw new FormatError(`unsupported compression ${COMPRESSION_NAMES[compression] ?? 'code'} (${compression})`, name);
    }
    const predictor = first(await value(ifd, 'Predictor'), 1);
    if (![1, 2, 3].includes(predictor)) throw new FormatError(invalid('predictor', predictor, '1, 2 or 3'), name);
    if (predictor === 3 && format !== 3) throw new FormatError('floating-point predictor (3) on integer samples', name);
    const blocksAcross = Math.ceil(width / blockWidth);
    const blocksDown = Math.ceil(height / blockHeight);
    const expected = blocksAcross * blocksDown * (planar === 2 ? samples : 1);
    const { offsets, counts: byteCounts, notice } = recoverByteCounts({
      offsets: await value(ifd, tiled ? 'TileOffsets' : 'StripOffsets') as ArrayLike<number | bigint> | undefined,
      counts: await value(ifd, tiled ? 'TileByteCounts' : 'StripByteCounts') as ArrayLike<number | bigint> | undefined,
      expected, across: blocksAcross, down: blocksDown, compressed: compression !== 1, tiled, fileSize: source.size, where, planes: planar === 2 ? samples : 1,
      blockBytes: blockHeight * Math.ceil((blockWidth * (planar === 1 ? samples : 1) * (storedAs?.bits ?? bits)) / 8),
    }, name);
    if (notice) notices.push(notice);
    const lerc = compression === 34887 ? Array.from(((await value(ifd, 'LercParameters')) ?? []) as ArrayLike<number>) : undefined;
    const jpegTables = compression === 7 ? (await value(ifd, 'JPEGTables')) as Uint8Array | undefined : undefined;
    const photometric = first(await value(ifd, 'PhotometricInterpretation'), samples >= 3 ? 2 : 1);
    const colour = await colourModelOf({ photometric, compression, planar, samples, bits, format },
      async (tag, fallback) => (await readTagNumbers(source, header, ifdOffsets[index], tag)) ?? fallback, where, name);
    return {
      width, height, blockWidth, blockHeight, tiled, blocksAcross, blocksDown, planar, samples: colour ? outputSamples(colour) : samples,
      storedSamples: samples, offsets, byteCounts, compression, predictor,
      lercParameters: lerc, jpegTables, key: index, photometric, colour,
    };
  }

  const bandCount = images[0].samples;

  // Georeferencing.
  const geoKeys = main.hasTag('GeoKeyDirectory' as never) ? main.parseGeoKeyDirectory() : null;
  const crs = options.crs !== undefined ? crsFromOption(options.crs) : geoKeysToCrs(geoKeys as Record<string, unknown> | null, name);
  const pixelIsPoint = (geoKeys as Record<string, unknown> | null)?.GTRasterTypeGeoKey === 2;
  const transform = await readTransform(main, value, pixelIsPoint, name);

  // GDAL metadata and nodata.
  const gdal = parseGdalMetadata(await value(main, 'GDAL_METADATA') as string | undefined, Math.max(bandCount, samples), name);
  const pamText = await source.sidecar?.('.aux.xml') ?? null;
  const pam = pamText === null ? null : parsePam(pamText, bandCount, `${name}.aux.xml`);
  const sidecar = pam ? applyPam(gdal, pam, name) : { noData: undefined, gave: [] };
  const noData = parseNoData(sidecar.noData ?? await value(main, 'GDAL_NODATA') as string | undefined, dataType);
  const bandNames = gdal.bands.map((b, i) => (b.DESCRIPTION?.trim() ? b.DESCRIPTION.trim() : `band_${i + 1}`));
  const numbers = (key: string, fallback: number) => {
    if (!gdal.bands.some((b) => b[key] !== undefined)) return null;
    return gdal.bands.map((b) => (b[key] !== undefined && Number.isFinite(Number(b[key])) ? Number(b[key]) : fallback));
  };
  const fileScale = numbers('SCALE', 1);
  const fileOffset = numbers('OFFSET', 0);
  /** Per band: stored value × scale + offset (a unit conversion may multiply both). */
  const transforms = Array.from({ length: Math.max(bandCount, samples) }, (_, b) => ({ scale: fileScale?.[b] ?? 1, offset: fileOffset?.[b] ?? 0 }));
  const identity = (band: number) => transforms[band].scale === 1 && transforms[band].offset === 0;
  const ScaledType = ['float64', 'int32', 'uint32', 'int64', 'uint64'].includes(dataType) ? Float64Array : Float32Array;
  /** A band's stored values as values: floats, NaN at nodata (complex samples are returned as stored). */
  const unscale = (values: SampleArray, band: number): SampleArray => {
    if (parts === 2) return values;
    const { scale, offset } = transforms[band];
    const out = new ScaledType(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      out[i] = v !== v || v === noData ? NaN : v * scale + offset;
    }
    return out;
  };
  const mainImage = images[0];
  const cache = new BlockCache(options.cacheBytes ?? 64 * 2 ** 20);
  const bytesPerSample = bytesOf(dataType);
  const maxReadBytes = options.maxReadBytes ?? 8 * 2 ** 30;

  /** Decoded block `index` of `image`, samples in native order (cached). */
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
    const samplesArray = typedSamplesOf(decoded, layout, dataType!);
    cache.set(key, samplesArray);
    return samplesArray;
  }

  /** How block `index` of `image` is stored. */
  function layoutOf(image: Image, index: number): BlockLayout {
    const row = Math.floor((index % (image.blocksAcross * image.blocksDown)) / image.blocksAcross) * image.blockHeight;
    return {
      compression: image.compression, predictor: image.predictor, bytesPerSample: partBytes, floating: dataType === 'float32' || dataType === 'float64',
      samples: (image.planar === 1 ? image.samples : 1) * parts, width: image.blockWidth, stored: storedAs,
      rows: image.tiled ? image.blockHeight : Math.min(image.blockHeight, image.height - row),
      littleEndian: header.littleEndian, planar: image.planar, lercParameters: image.lercParameters, jpegTables: image.jpegTables,
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

  async function read(opts: ReadOptions = {}): Promise<SampleArray[]> {
    const image = storedView(pickImage(opts.overview), !!opts.raw);
    const window = opts.window ?? { x: 0, y: 0, width: image.width, height: image.height };
    checkWindow(window, image, name);
    const bands = pickBands(opts.bands, image.samples);
    const bytes = window.width * window.height * bands.length * bytesPerSample;
    if (bytes > maxReadBytes) {
      throw new LimitError(`reading ${window.width} × ${window.height} pixels of ${bands.length} band(s) needs ${bytes} bytes, more than the maximum of ${maxReadBytes} (option maxReadBytes); read smaller windows`, name);
    }
    const Type = arrayTypeOf(dataType!);
    const out = bands.map(() => new Type(window.width * window.height * parts) as SampleArray);
    const fill = noData ?? 0;
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
        const data = await block(image, job.index, job.band, usePool);
        copyBlock(image, data, job, window, bands, out, fill, parts);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, jobs.length) }, worker));
    return opts.raw ? out : out.map((values, i) => (identity(bands[i]) ? values : unscale(values, bands[i])));
  }

  async function valuesAt(points: Point[], opts: ValuesAtOptions = {}): Promise<Float64Array[]> {
    if (!Array.isArray(points)) throw new InputError(invalid('points', typeof points, 'an array of {lon, lat} or {x, y}'), name);
    if (parts === 2) throw new InputError(`valuesAt gives one number per band, and the bands are complex (${dataType}); read a window with read() instead`, name);
    const raw = !!opts.raw;
    const image = storedView(images[0], raw);
    const bands = pickBands(opts.bands, image.samples);
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
      const col = Math.floor(inverse.originX + x * inverse.pixelWidth + y * inverse.rotationX);
      const row = Math.floor(inverse.originY + x * inverse.rotationY + y * inverse.pixelHeight);
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
    // Blocks decode on the worker pool, a bounded number at a time; a worker undoes the predictor
    // only in the rows that hold points and sends back just their values.
    const entries = [...byBlock];
    let next = 0;
    const assign = (list: { point: number; offset: number; slot: number }[], value: (offset: number) => number) => {
      for (const { point, offset, slot } of list) {
        if (slot >= 0) out[slot][point] = clean(value(offset), bands[slot], raw);
        else bands.forEach((band, s) => { out[s][point] = clean(value(offset - bands[0] + band), band, raw); });
      }
    };
    const worker = async () => {
      while (next < entries.length) {
        const [index, list] = entries[next++];
        const cached = cache.get(`${image.key}:${index}`);
        if (cached) { assign(list, (o) => Number(cached[o])); continue; }
        if (!image.offsets[index] || !image.byteCounts[index]) { assign(list, () => NaN); continue; }
        const offsets = [...new Set(list.flatMap(({ offset, slot }) => (slot >= 0 ? [offset] : bands.map((b) => offset - bands[0] + b))))];
        const what = `band ${bands[0] + 1} ${image.tiled ? 'tile' : 'strip'} ${index}`;
        const read = () => source.read({ offset: image.offsets[index], length: image.byteCounts[index] }, what);
        let values: Float64Array;
        try {
          // a block whose worker died is read again and picked once more
          values = await workerPool().again(read, (b) => workerPool().pick(b, layoutOf(image, index), Uint32Array.from(offsets), dataType!), `reading ${what}`, name);
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

  /** A stored value as a value: NaN at nodata, scaled unless `raw`. */
  function clean(v: number, band: number, raw: boolean): number {
    if (noData !== null && (v === noData || (Number.isNaN(noData) && Number.isNaN(v)))) return NaN;
    return raw ? v : v * transforms[band].scale + transforms[band].offset;
  }

  const internals: RasterInternals = {
    blocks(bands, overview) {
      const image = pickImage(overview);
      const list = pickBands(bands);
      const chunky = image.planar === 1 && image.samples > 1;
      const perBand = image.blocksAcross * image.blocksDown;
      const jobs: BlockJob[] = [];
      for (const band of list) {
        for (let by = 0; by < image.blocksDown; by++) {
          for (let bx = 0; bx < image.blocksAcross; bx++) {
            const index = (image.planar === 2 ? band * perBand : 0) + by * image.blocksAcross + bx;
            const col = bx * image.blockWidth;
            const row = by * image.blockHeight;
            jobs.push({ band, index, sample: chunky ? band : 0, col, row, cols: Math.min(image.blockWidth, image.width - col), rows: Math.min(image.blockHeight, image.height - row),
              sparse: !image.offsets[index] || !image.byteCounts[index] });
          }
        }
      }
      return jobs;
    },
    ...bandTransforms(transforms, pickBands),
    layoutOf(job, overview) {
      return layoutOf(pickImage(overview), job.index);
    },
    readBlockBytes(job, overview) {
      const image = pickImage(overview);
      return source.read({ offset: image.offsets[job.index], length: image.byteCounts[job.index] }, `band ${job.band + 1} ${image.tiled ? 'tile' : 'strip'} ${job.index}`);
    },
  };

  const raster: Raster & { [RASTER_INTERNALS]: RasterInternals } = {
    [RASTER_INTERNALS]: internals,
    source: name,
    width: mainImage.width,
    height: mainImage.height,
    bands: bandCount,
    bandNames,
    bandUnits: gdal.bands.map((b) => b.UNITTYPE ?? ''),
    classNames: Array.from({ length: bandCount }, (_, b) => pam?.[b].classes ?? null),
    sidecar: pam ? { path: `${name}.aux.xml`, gave: sidecar.gave } : null,
    dataType,
    noData,
    scale: numbers('SCALE', 1),
    offset: numbers('OFFSET', 0),
    transform,
    crs: crs?.proj4 ?? '',
    epsg: crs?.epsg ?? null,
    bbox: bboxOf(transform, mainImage.width, mainImage.height),
    overviews,
    metadata: gdal.dataset,
    layout: {
      compression: COMPRESSION_NAMES[mainImage.compression] ?? String(mainImage.compression),
      photometric: photometricName(mainImage.photometric),
      predictor: mainImage.predictor,
      tiled: mainImage.tiled,
      blockWidth: mainImage.blockWidth,
      blockHeight: mainImage.blockHeight,
      interleave: mainImage.planar === 2 || bandCount === 1 ? 'band' : 'pixel',
      littleEndian: header.littleEndian,
      bigTiff: header.bigTiff,
    },
    stats: source.stats,
    notices,
    read,
    valuesAt,
    close: () => source.close(),
  };
  return raster;
}

