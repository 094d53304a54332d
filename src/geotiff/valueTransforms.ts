// Each band's stored → value transform (× scale + offset): the one definition of a stored value as
// a value, used by every reader (GeoTIFF, NetCDF), the dataset's rows and the block engine's
// kernels; and the transforms as a raster's internals expose them to the passes, multiplied by a
// unit factor (ALT in metres → cm).
import { partsOf, type DataType, type SampleArray } from './metadata.js';
import type { RasterInternals } from './types.js';

/** A band's stored → value transform; `RAW` leaves values as stored (offset −0 keeps a stored −0). */
export interface ValueTransform { scale: number; offset: number }
export const RAW: Readonly<ValueTransform> = Object.freeze({ scale: 1, offset: -0 });

/**
 * A stored value as its value: NaN at `nodata` or NaN, else `stored × scale + offset`. Pass NaN as
 * `nodata` when the band has none (NaN never equals a value); a stored NaN stays NaN through the
 * arithmetic, so one comparison does. Small enough for V8 to inline in the kernels' loops, where a
 * caller skips a cell with `if (v !== v) continue`.
 * @example storedValue(1234, -32768, 0.01, 0) // 12.34
 */
export function storedValue(stored: number, nodata: number, scale: number, offset: number): number {
  return stored === nodata ? NaN : stored * scale + offset;
}

/**
 * A band's stored values as values, into `out` (which may be `stored` itself when it is a float
 * array): NaN at `nodata` (null: none) or NaN, else `stored × scale + offset`.
 * @example storedValues(Int16Array.of(1, -32768), new Float32Array(2), -32768, 0.5, 1) // [1.5, NaN]
 */
export function storedValues<T extends { [i: number]: number; length: number }>(stored: ArrayLike<number>, out: T, nodata: number | null, scale: number, offset: number): T {
  const nd = nodata ?? NaN;
  for (let i = 0; i < stored.length; i++) out[i] = storedValue(stored[i], nd, scale, offset);
  return out;
}

/**
 * A band's stored values as values in a new float array (Float64Array for 32- and 64-bit integers
 * and float64, else Float32Array): NaN at nodata, `stored × scale + offset` elsewhere. Complex
 * samples are returned as stored.
 * @example unscaled(Int16Array.of(250, -9999), 'int16', -9999, { scale: 0.01, offset: 0 }) // Float32Array [2.5, NaN]
 */
export function unscaled(values: SampleArray, dataType: DataType, nodata: number | null, t: ValueTransform): SampleArray {
  if (partsOf(dataType) === 2) return values;
  const Type = ['float64', 'int32', 'uint32', 'int64', 'uint64'].includes(dataType) ? Float64Array : Float32Array;
  const stored = values instanceof BigInt64Array || values instanceof BigUint64Array ? Float64Array.from(values, Number) : values;
  return storedValues(stored, new Type(values.length), nodata, t.scale, t.offset);
}

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
