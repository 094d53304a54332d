import type { NumericDataType, TypedArray } from '../geotiff/metadata.js';
import type { Raster } from '../geotiff/types.js';
import type { SourceOptions } from '../geotiff/source.js';

/** An attribute value as stored: text, or numbers (one or more). */
export type NcAttribute = string | number[];

/** One dimension of a variable. */
export interface NcDimension {
  name: string;
  size: number;
}

/** A variable of a NetCDF file as plain data: what its header (or HDF5 object header) says. */
export interface NcVariable {
  name: string;
  /** Dimensions, slowest first (`time, y, x`). */
  dims: NcDimension[];
  /** The stored type (CDF-5 and NetCDF4 64-bit integers are refused when read as a raster). */
  type: NumericDataType | 'int64' | 'uint64' | 'char' | 'string' | 'other';
  attributes: Record<string, NcAttribute>;
  /** Chunk shape of a chunked NetCDF4 variable (same order as `dims`), else null (contiguous). */
  chunks: number[] | null;
  /** `none`, `deflate`, `shuffle+deflate`, … as the HDF5 filters say. */
  compression: string;
}

/**
 * A NetCDF file open for reading, whatever its format: the structure as plain data and one method
 * that reads a hyperslab. Implemented by classic.ts (CDF-1, CDF-2, CDF-5, read by byte ranges) and
 * hdf5.ts (NetCDF4/HDF5, read by h5wasm, which decodes chunks itself).
 */
export interface NcFile {
  /** The path it was opened from. */
  source: string;
  /** `netcdf3-classic`, `netcdf3-64bit-offset`, `netcdf3-64bit-data` or `netcdf4`. */
  format: string;
  attributes: Record<string, NcAttribute>;
  variables: NcVariable[];
  /**
   * Values of a hyperslab `start … start + count` (one entry per dimension), slowest dimension
   * first, in this machine's byte order, as the variable stores them (no scale, fill kept).
   */
  readSlab(variable: NcVariable, start: number[], count: number[]): Promise<TypedArray>;
  close(): Promise<void>;
}

/** Options for {@link openNetcdf}. */
export interface OpenNetcdfOptions extends SourceOptions {
  /** The CRS for files whose variables name none (proj4 string or `EPSG:` code); overrides the file's. */
  crs?: string;
  /** Bytes of decoded blocks kept for repeated point reads. Default 64 MiB. */
  cacheBytes?: number;
  /** Largest single `read` accepted, in bytes (checked before anything is allocated). Default 8 GiB. */
  maxReadBytes?: number;
}

/** A calendar date of a time step, decoded from CF `units: days since …` and `calendar`. */
export interface NcDate {
  year: number;
  month: number;
  day: number;
  /** The year as a decimal (2001.5 is the middle of 2001 in its calendar). */
  decimal_year: number;
}

/** One gridded variable as a {@link Raster}: bands are the steps of its leading dimension (time). */
export interface NetcdfRaster extends Raster {
  /** The variable's name in the file. */
  variable: string;
  /** The variable's attributes (`standard_name`, `long_name`, `units`, …). */
  attributes: Record<string, NcAttribute>;
  /** Name of the leading (band) dimension, or null for a 2-D variable. */
  band_dimension: string | null;
  /** Per band, the decoded date when the leading dimension is CF time, else null. */
  times: NcDate[] | null;
}

/** An open NetCDF file: its variables, and each gridded one as a Raster. */
export interface NetcdfFile {
  source: string;
  format: string;
  /** Global attributes. */
  attributes: Record<string, NcAttribute>;
  /** Every variable, as the header lists it. */
  variables: NcVariable[];
  /** Names of the variables readable as rasters: 2-D or 3-D, the last two dimensions with regular coordinates. */
  gridded: string[];
  /** What `raster(name)` accepts, for messages: the gridded variables, or why there are none (each variable with its dimensions). */
  expected: string;
  /** The variable as a Raster (opened once, then the same object); an `InputError` listing the variables when unknown. */
  raster(variable: string): Promise<NetcdfRaster>;
  close(): Promise<void>;
}
