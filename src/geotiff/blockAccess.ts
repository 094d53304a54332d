// Block-level access to a raster, for this package's streaming passes (statistics, the dataset's
// verbs): which blocks hold a band, how each is stored, its bytes, and each band's value transform.
// Kept beside the raster in a WeakMap, never on it, so it is not part of the public object and is
// not exported from the package's front door (`src/index.ts`).
import { InputError, invalid } from '../errors.js';
import type { RasterInternals } from './types.js';

const access = new WeakMap<object, RasterInternals>();

/**
 * Records the block access of a raster this package made (openRaster, the NetCDF and period-mean
 * readers); returns the raster.
 * @example return registerBlockAccess(raster, internals);
 */
export function registerBlockAccess<R extends object>(raster: R, internals: RasterInternals): R {
  access.set(raster, internals);
  return raster;
}

/**
 * The block access of a raster this package made; an InputError for any other object (a raster
 * built by hand, or a copy such as `{ ...raster }`).
 * @example const { blocks, layoutOf } = blockAccessOf(await openRaster('magt.tif'));
 */
export function blockAccessOf(raster: object): RasterInternals {
  const internals = raster !== null && typeof raster === 'object' ? access.get(raster) : undefined;
  if (!internals) {
    const source = (raster as { source?: unknown } | null)?.source;
    throw new InputError(invalid('raster', typeof source === 'string' ? source : typeof raster,
      'a raster opened by this package (openRaster, openNetcdfRaster, periodMeansRaster), not a copy or one built by hand'));
  }
  return internals;
}
