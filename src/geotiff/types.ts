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

/** The affine transform from pixel corners to CRS coordinates (GDAL's geotransform, by name). */
export interface Transform {
  /** CRS x of the top-left corner of the top-left pixel. */
  originX: number;
  /** CRS y of the top-left corner of the top-left pixel. */
  originY: number;
  /** Pixel width in CRS units. */
  pixelWidth: number;
  /** Pixel height in CRS units, negative for north-up images. */
  pixelHeight: number;
  /** x change per row (0 unless rotated). */
  rotationX: number;
  /** y change per column (0 unless rotated). */
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

/** Block-level access for this package's streaming statistics (not part of the public contract). */
export const RASTER_INTERNALS = Symbol('permafrost-lab raster internals');

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

/** An open GeoTIFF: its structure as plain data, and two methods to read pixels. */
export interface Raster {
  /** The path or URL it was opened from. */
  source: string;
  width: number;
  height: number;
  /** Number of bands. */
  bands: number;
  /** GDAL band descriptions, else `band_1`, `band_2`, … */
  bandNames: string[];
  /** Band units from GDAL metadata (`UNITTYPE`), else `''`. */
  bandUnits: string[];
  /** Per band, class names by stored value (GDAL's CategoryNames or a raster attribute table in the sidecar), else null. */
  classNames: (string[] | null)[];
  /** GDAL's sidecar `<file>.aux.xml` when there is one, and what was taken from it. */
  sidecar: { path: string; gave: string[] } | null;
  dataType: DataType;
  /** The nodata value in the band's own precision (NaN allowed), or null. */
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
    blockWidth: number;
    blockHeight: number;
    interleave: 'pixel' | 'band';
    littleEndian: boolean;
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
