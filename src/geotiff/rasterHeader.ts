// A GeoTIFF's header: its image file directories, GeoKeys and GDAL metadata (and the PAM sidecar)
// read into what a raster is (size, bands, type, nodata, georeferencing, overviews, storage), and
// each image's block layout as the block reader needs it. Nothing here reads pixels.
import { GeoTIFF, type ImageFileDirectory } from 'geotiff';
import { FormatError, LimitError, invalid } from '../errors.js';
import { geoKeysToCrs } from './crs.js';
import { COMPRESSION_NAMES, SUPPORTED_COMPRESSIONS } from './decode.js';
import { readHeader, readTagNumbers, scanIfds, type TiffHeader } from './ifdScan.js';
import { bytesOf, parseGdalMetadata, parseNoData, partsOf, sampleTypeOf, type DataType, type GdalMetadata } from './metadata.js';
import { applyPam, parsePam, type PamBand } from './pam.js';
import type { ByteSource } from './source.js';
import { adapt, recoverByteCounts } from './blocks.js';
import { colourModelOf, outputSamples, photometricName } from './colour.js';
import { bboxOf, crsFromOption, readTransform } from './transform.js';
import type { RasterFields } from './rasterNames.js';
import type { Image, OpenRasterOptions, Overview, Raster, Transform } from './types.js';

/** What the header of a GeoTIFF says: the raster's description and how its images are stored. */
export interface RasterHeader {
  /** The path or URL, for messages. */
  name: string;
  tiff: TiffHeader;
  /** The full-resolution image, then the overviews, largest first. */
  images: Image[];
  overviews: Overview[];
  /** Bands as read (RGBA where a colour model is converted). */
  bandCount: number;
  /** Samples per pixel as stored. */
  samples: number;
  dataType: DataType;
  /** Numbers per sample (2 for complex types) and bytes of each. */
  parts: number;
  partBytes: number;
  /** How samples are stored when that differs from their type (bit-packed, float16, …). */
  storedAs?: { bits: number; format: number };
  crs: { proj4: string; epsg: number | null } | null;
  transform: Transform;
  gdal: GdalMetadata;
  pam: PamBand[] | null;
  /** What the PAM sidecar gave. */
  sidecarGave: string[];
  nodata: number | null;
  /** Per-band scale and offset from GDAL metadata, or null when no band has one. */
  scale: number[] | null;
  offset: number[] | null;
  /** What the reader recovered from, as GDAL warns of it. */
  notices: string[];
}

/**
 * Reads the header and directories of a GeoTIFF (the full image and its overviews; other pages and
 * masks are skipped), checking sizes against the options' limits.
 * @example const header = await readRasterHeader(await openSource('magt.tif'), {});
 */
export async function readRasterHeader(source: ByteSource, options: OpenRasterOptions): Promise<RasterHeader> {
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
  const nodata = parseNoData(sidecar.noData ?? await value(main, 'GDAL_NODATA') as string | undefined, dataType);
  const numbers = (key: string, fallback: number) => {
    if (!gdal.bands.some((b) => b[key] !== undefined)) return null;
    return gdal.bands.map((b) => (b[key] !== undefined && Number.isFinite(Number(b[key])) ? Number(b[key]) : fallback));
  };

  return {
    name, tiff: header, images, overviews, bandCount, samples, dataType, parts, partBytes, storedAs,
    crs, transform, gdal, pam, sidecarGave: sidecar.gave, nodata,
    scale: numbers('SCALE', 1), offset: numbers('OFFSET', 0), notices,
  };
}

/** The raster's description (every field but its methods and `stats`), from its header; snake_case names only (see rasterNames). */
export function describeRaster(h: RasterHeader): RasterFields<Omit<Raster, 'read' | 'valuesAt' | 'close' | 'stats'>> {
  const main = h.images[0];
  return {
    source: h.name,
    width: main.width,
    height: main.height,
    bands: h.bandCount,
    band_names: h.gdal.bands.map((b, i) => (b.DESCRIPTION?.trim() ? b.DESCRIPTION.trim() : `band_${i + 1}`)),
    band_units: h.gdal.bands.map((b) => b.UNITTYPE ?? ''),
    class_names: Array.from({ length: h.bandCount }, (_, b) => h.pam?.[b].classes ?? null),
    sidecar: h.pam ? { path: `${h.name}.aux.xml`, gave: h.sidecarGave } : null,
    data_type: h.dataType,
    nodata: h.nodata,
    scale: h.scale,
    offset: h.offset,
    transform: h.transform,
    crs: h.crs?.proj4 ?? '',
    epsg: h.crs?.epsg ?? null,
    bbox: bboxOf(h.transform, main.width, main.height),
    overviews: h.overviews,
    metadata: h.gdal.dataset,
    layout: {
      compression: COMPRESSION_NAMES[main.compression] ?? String(main.compression),
      photometric: photometricName(main.photometric),
      predictor: main.predictor,
      tiled: main.tiled,
      block_width: main.blockWidth,
      block_height: main.blockHeight,
      interleave: main.planar === 2 || h.bandCount === 1 ? 'band' : 'pixel',
      little_endian: h.tiff.littleEndian,
      big_tiff: h.tiff.bigTiff,
    },
    notices: h.notices,
  };
}
