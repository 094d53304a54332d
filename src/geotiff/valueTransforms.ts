// Each band's stored → value transform (× scale + offset) as a raster's internals expose it, for every
// reader (GeoTIFF, NetCDF): read by the passes, multiplied by a unit factor (ALT in metres → cm).
import type { RasterInternals } from './types.js';

/**
 * `valueTransform` and `convertUnits` over a raster's per-band transforms (changed in place, so the
 * raster's own reads see a unit conversion too); `pickBands` checks and maps a band index.
 * @example const { valueTransform, convertUnits } = bandTransforms(transforms, pickBands)
 */
export function bandTransforms(transforms: { scale: number; offset: number }[], pickBands: (bands: number[]) => number[]): Pick<RasterInternals, 'valueTransform' | 'convertUnits'> {
  return {
    valueTransform: (band) => ({ ...transforms[pickBands([band])[0]] }),
    convertUnits(band, factor) {
      const t = transforms[pickBands([band])[0]];
      t.scale *= factor;
      t.offset *= factor;
    },
  };
}
