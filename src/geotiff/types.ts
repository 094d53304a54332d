import type { SourceOptions, SourceStats } from './source.js';
import type { BlockLayout } from './decode.js';
import type { ColourModel } from './colour.js';
import type { DataType, SampleArray, TypedArray } from './metadata.js';

/** A pixel window: column `x`, row `y`, size in pixels. */
export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The affine transform from pixel corners to CRS coordinates (GDAL's geotransform, by name). The
 * snake_case fields are the documented ones; the camelCase ones of earlier releases are accessors
 * over them on every transform this package makes (deprecated, removed in the next release).
 * Functions that take a transform accept either spelling (`TransformInput`, see `asTransform`).
 */
export interface Transform {
  /** CRS x of the top-left corner of the top-left pixel. */
  origin_x: number;
  /** CRS y of the top-left corner of the top-left pixel. */
  origin_y: number;
  /** Pixel width in CRS units. */
  pixel_width: number;
  /** Pixel height in CRS units, negative for north-up images. */
  pixel_height: number;
  /** x change per row (0 unless rotated). */
  rotation_x: number;
  /** y change per column (0 unless rotated). */
  rotation_y: number;
  /** @deprecated use origin_x (removed in the next release) */
  originX: number;
  /** @deprecated use origin_y (removed in the next release) */
  originY: number;
  /** @deprecated use pixel_width (removed in the next release) */
  pixelWidth: number;
  /** @deprecated use pixel_height (removed in the next release) */
  pixelHeight: number;
  /** @deprecated use rotation_x (removed in the next release) */
  rotationX: number;
  /** @deprecated use rotation_y (removed in the next release) */
  rotationY: number;
}

/** A bounding box in CRS units (or degrees for geographic CRSs). */
export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** A reduced-resolution copy stored in the file. */
export interface Overview {
  /** 1-based overview level, as `read({ overview })` takes it. */
  level: number;
  width: number;
  height: number;
}

/** Options for {@link Raster.read}. */
export interface ReadOptions {
  /** Default: the whole image (of the overview, when one is chosen). */
  window?: Window;
  /** 0-based band indexes. Default: all bands. */
  bands?: number[];
  /** 0 = full resolution (default), 1… = the overviews, largest first. */
  overview?: number;
  /**
   * Stored values, without the band's scale and offset, and colours as stored. Default false: a
   * band with a GDAL `SCALE`/`OFFSET` is returned unscaled (`stored × scale + offset`) as floats
   * with NaN at nodata, as GDAL's `ReadAsArray` after `-unscale` gives it; YCbCr, CMYK and CIELab
   * are returned as GDAL gives them (RGB for YCbCr in JPEG, else red, green, blue, alpha). With
   * `raw`, `bands` index the stored samples (Y, Cb, Cr; C, M, Y, K; L*, a*, b*), YCbCr chroma
   * repeated over its subsampling block (in JPEG, upsampled by libjpeg).
   */
  raw?: boolean;
  signal?: AbortSignal;
}

/** A point given in longitude/latitude or in projected coordinates. */
export type Point = { lon: number; lat: number } | { x: number; y: number };

/** Options for {@link Raster.valuesAt}. */
export interface ValuesAtOptions {
  /** CRS of the points (proj4 string or `EPSG:4326`). Default: EPSG:4326 for `{lon, lat}`, the raster's for `{x, y}`. */
  crs?: string;
  bands?: number[];
  /** Stored values, without scale and offset. Default false. */
  raw?: boolean;
}

/** One stored block (tile or strip) of one band. */
export interface BlockJob {
  band: number;
  index: number;
  /** Which sample of each pixel in the decoded block is this band: the band in pixel-interleaved files, else 0. */
  sample: number;
  /** Column and row of the block's first pixel, and its size inside the image. */
  col: number;
  row: number;
  cols: number;
  rows: number;
  sparse: boolean;
}

/** Block-level access for this package's streaming passes (not part of the public contract): see blockAccess.ts. */
export interface RasterInternals {
  /**
   * The blocks holding these bands, one job per band and place. In a pixel-interleaved file the
   * bands of one place share a block (the same `index`): it is read and decoded once.
   */
  blocks(bands: number[], overview?: number): BlockJob[];
  /** The factor and offset that turn a stored value of a band into its value (1 and 0 when none). */
  valueTransform(band: number): { scale: number; offset: number };
  /**
   * Multiplies a band's value transform by a unit factor (ALT stored in metres → cm): reads,
   * point values and statistics of this raster then give the converted values.
   */
  convertUnits(band: number, factor: number): void;
  layoutOf(job: BlockJob, overview?: number): BlockLayout;
  readBlockBytes(job: BlockJob, overview?: number): Promise<Uint8Array>;
}

/**
 * An open GeoTIFF: its structure as plain data, and two methods to read pixels. Fields are
 * snake_case; the camelCase names of earlier releases (`noData`, `dataType`, …) are deprecated
 * accessors over them, removed in the next release.
 */
export interface Raster {
  /** The path or URL it was opened from. */
  source: string;
  width: number;
  height: number;
  /** Number of bands. */
  bands: number;
  /** GDAL band descriptions, else `band_1`, `band_2`, … */
  band_names: string[];
  /** Band units from GDAL metadata (`UNITTYPE`), else `''`. */
  band_units: string[];
  /** Per band, class names by stored value (GDAL's CategoryNames or a raster attribute table in the sidecar), else null. */
  class_names: (string[] | null)[];
  /** @deprecated use band_names (removed in the next release) */
  bandNames: string[];
  /** @deprecated use band_units (removed in the next release) */
  bandUnits: string[];
  /** @deprecated use class_names (removed in the next release) */
  classNames: (string[] | null)[];
  /** GDAL's sidecar `<file>.aux.xml` when there is one, and what was taken from it. */
  sidecar: { path: string; gave: string[] } | null;
  /** The sample type, by GDAL's name. */
  data_type: DataType;
  /** The nodata value in the band's own precision (NaN allowed), or null. */
  nodata: number | null;
  /** @deprecated use data_type (removed in the next release) */
  dataType: DataType;
  /** @deprecated use nodata (removed in the next release) */
  noData: number | null;
  /** Per-band scale, when the file gives one (applied by `read` and `valuesAt` unless `raw`). */
  scale: number[] | null;
  /** Per-band offset, when the file gives one (applied by `read` and `valuesAt` unless `raw`). */
  offset: number[] | null;
  transform: Transform;
  /** proj4 definition of the CRS ('' when the file has none). */
  crs: string;
  /** EPSG code of the CRS when the file names one. */
  epsg: number | null;
  bbox: BBox;
  overviews: Overview[];
  /** Dataset-level GDAL metadata items (for example `SYNTHETIC`). */
  metadata: Record<string, string>;
  /** Storage: compression name, predictor, block size, interleave, byte order, BigTIFF, colour model. */
  layout: {
    compression: string;
    /** TIFF PhotometricInterpretation by name: `min-is-black`, `rgb`, `palette`, `ycbcr`, `cmyk`, `cielab`, … (YCbCr, CMYK and CIELab are read as GDAL converts them). */
    photometric: string;
    predictor: number;
    tiled: boolean;
    block_width: number;
    block_height: number;
    interleave: 'pixel' | 'band';
    little_endian: boolean;
    big_tiff: boolean;
    /** @deprecated use block_width (removed in the next release) */
    blockWidth: number;
    /** @deprecated use block_height (removed in the next release) */
    blockHeight: number;
    /** @deprecated use little_endian (removed in the next release) */
    littleEndian: boolean;
    /** @deprecated use big_tiff (removed in the next release) */
    bigTiff: boolean;
  };
  /** Bytes and requests fetched from the source so far. */
  stats: SourceStats;
  /** What the reader recovered from, as GDAL warns of it (missing or wrong strip byte counts). */
  notices: string[];
  /** Reads a window of some bands: one typed array per band, row by row. */
  read(options?: ReadOptions): Promise<SampleArray[]>;
  /** Values of the bands at points: one Float64Array per band, NaN outside the image or at nodata. */
  valuesAt(points: Point[], options?: ValuesAtOptions): Promise<Float64Array[]>;
  /** Releases the file handle. */
  close(): Promise<void>;
}

/** Options for {@link openRaster}. */
export interface OpenRasterOptions extends SourceOptions {
  /** Override the CRS read from the file (proj4 string or a known `EPSG:` code). */
  crs?: string;
  /** Largest width or height accepted. Default 1,000,000 pixels. */
  maxDimension?: number;
  /** Largest decoded tile or strip accepted, in bytes. Default 256 MiB. */
  maxBlockBytes?: number;
  /** Largest single read accepted, in bytes. Default 8 GiB. */
  maxReadBytes?: number;
  /** Bytes of decoded blocks kept for repeated reads. Default 64 MiB. */
  cacheBytes?: number;
}

/** One image (full resolution or overview) of the file, with what reading it needs. */
export interface Image {
  width: number;
  height: number;
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
  blocksAcross: number;
  blocksDown: number;
  planar: 1 | 2;
  /** Samples per pixel as read: RGBA where a colour model is converted, else as stored. */
  samples: number;
  /** Samples per pixel as stored. */
  storedSamples: number;
  /** TIFF PhotometricInterpretation. */
  photometric: number;
  /** The colour model converted as GDAL converts it (YCbCr not in JPEG, CMYK, CIELab). */
  colour?: ColourModel;
  /** A view of the image as stored (`read({ raw: true })`): colours not converted. */
  raw?: boolean;
  offsets: ArrayLike<number>;
  byteCounts: ArrayLike<number>;
  compression: number;
  predictor: number;
  lercParameters?: number[];
  jpegTables?: Uint8Array;
  /** Names the image in the block cache. */
  key: number | string;
}
