import { FormatError, InputError, PermafrostError, invalid } from '../errors.js';
import { openSource } from '../geotiff/source.js';
import { openClassic } from './classic.js';
import { openHdf5 } from './hdf5.js';
import type { NcFile, NetcdfFile, NetcdfRaster, OpenNetcdfOptions } from './types.js';
import { isGridded, variableRaster } from './variableRaster.js';

export type { NcAttribute, NcDate, NcDimension, NcFile, NcVariable, NetcdfFile, NetcdfRaster, OpenNetcdfOptions } from './types.js';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Opens a NetCDF file: classic NetCDF3 (CDF-1, CDF-2, CDF-5; a path, URL or bytes, read by byte
 * ranges) or NetCDF4/HDF5 (a local path, read by h5wasm chunk by chunk). Only the header is read
 * here; `raster(name)` gives a gridded variable as a {@link Raster} that every verb reads.
 * Options: `crs` (proj4 or `EPSG:` code) for files without a grid mapping, overriding the file's;
 * `cacheBytes` (64 MiB), `maxReadBytes` (8 GiB), and openRaster's source options for URLs.
 * @example
 * const nc = await openNetcdf('obu_magt_10km.nc', { crs: 'EPSG:3995' });
 * const magt = await nc.raster(nc.gridded[0]);
 */
export async function openNetcdf(input: string | URL | Uint8Array | ArrayBuffer, options: OpenNetcdfOptions = {}): Promise<NetcdfFile> {
  const inner = await openNcFile(input, options);
  let closed: Promise<void> | undefined;
  // the file's rasters share it: the first close closes it, the others wait for that
  const file: NcFile = { ...inner, close: () => (closed ??= inner.close()) };
  const gridded = file.variables.filter((v) => isGridded(file, v)).map((v) => v.name);
  /** What a request for a variable may name, for messages. */
  const expected = gridded.length ? `one of ${gridded.join(', ')}` : `a gridded variable (2-D or 3-D, coordinate variables for its last two dimensions); the file has none: ${
    file.variables.map((x) => `${x.name}(${x.dims.map((d) => d.name).join(', ')})`).join(', ') || 'no variables'}`;
  const opened = new Map<string, Promise<NetcdfRaster>>();
  return {
    expected,
    source: file.source, format: file.format, attributes: file.attributes, variables: file.variables, gridded,
    raster(name: string) {
      const v = file.variables.find((x) => x.name === name);
      if (!v || !gridded.includes(name)) {
        throw new InputError(invalid('variable', name, expected), file.source);
      }
      let r = opened.get(name);
      if (!r) { r = variableRaster(file, v, options); opened.set(name, r); }
      return r;
    },
    close: () => file.close(),
  };
}

/**
 * Opens one gridded variable of a NetCDF file as a Raster: `variable` names it (default: the
 * file's one gridded variable). Closing the raster closes the file.
 * @example const r = await openNetcdfRaster('magt.nc', { variable: 'magt' }); await r.read({ bands: [0] });
 */
export async function openNetcdfRaster(input: string | URL | Uint8Array | ArrayBuffer, options: OpenNetcdfOptions & { variable?: string } = {}): Promise<NetcdfRaster> {
  const nc = await openNetcdf(input, options);
  try {
    const name = options.variable ?? (nc.gridded.length === 1 ? nc.gridded[0] : undefined);
    if (name === undefined) throw new InputError(invalid('variable', undefined, nc.expected), nc.source);
    return await nc.raster(name);
  } catch (err) {
    await nc.close();
    throw err;
  }
}

/** The file's structure and hyperslab reader, whichever format it is in. */
export async function openNcFile(input: string | URL | Uint8Array | ArrayBuffer, options: OpenNetcdfOptions = {}): Promise<NcFile> {
  const source = await openSource(input, options);
  let signature: Uint8Array;
  try {
    signature = await source.read({ offset: 0, length: Math.min(8, source.size) }, 'signature');
  } catch (err) {
    await source.close();
    throw err;
  }
  if (signature.length >= 4 && signature[0] === 0x43 && signature[1] === 0x44 && signature[2] === 0x46) {
    try {
      return await openClassic(source);
    } catch (err) {
      await source.close();
      if (err instanceof PermafrostError) throw err;
      throw new FormatError(`cannot read the NetCDF header: ${err instanceof Error ? err.message : String(err)}`, source.name);
    }
  }
  await source.close();
  if (signature.length === 8 && HDF5_SIGNATURE.every((b, i) => signature[i] === b)) {
    if (typeof input !== 'string' || /^https?:\/\//i.test(input)) {
      throw new InputError(`NetCDF4 (HDF5) files are read from a local path only; download ${source.name} first`, source.name);
    }
    return openHdf5(input);
  }
  throw new FormatError(`not a NetCDF file: it starts with neither CDF (NetCDF3) nor the HDF5 signature (NetCDF4)`, source.name);
}
