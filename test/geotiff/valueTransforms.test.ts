// storedValue / storedValues / unscaled: the one definition of a stored value as a value (NaN at
// nodata or NaN, else stored × scale + offset). Referee: numpy, computing in the same precision.
import { describe, expect, it } from 'vitest';
import { python, referee } from '../helpers.js';
import { RAW, storedValue, storedValues, unscaled } from '../../src/geotiff/valueTransforms.js';

/** numpy's answer: where(isnan(x) | (x == nodata), nan, x * scale + offset), cast to `out` ('float32' or 'float64'). */
function numpy(values: number[], dtype: string, nodata: number | null, scale: number, offset: number, out: string): number[] {
  const script = `
import json, sys, numpy as np
a = json.load(sys.stdin)
x = np.array([np.nan if v is None else v for v in a['values']], dtype=a['dtype']).astype(np.float64)
bad = np.isnan(x) if a['nodata'] is None else (np.isnan(x) | (x == a['nodata']))
y = np.where(bad, np.nan, x * a['scale'] + a['offset']).astype(a['out'])
print(json.dumps([None if np.isnan(v) else float(v) for v in y]))`;
  const answer = JSON.parse(referee(python, ['-c', script], JSON.stringify({ values: values.map((v) => (Number.isNaN(v) ? null : v)), dtype, nodata, scale, offset, out })));
  return answer.map((v: number | null) => (v === null ? NaN : v));
}

describe('storedValue(stored, nodata, scale, offset)', () => {
  it('is NaN at nodata and at NaN, else stored × scale + offset', () => {
    expect(storedValue(1234, -32768, 0.01, 0)).toBeCloseTo(12.34, 12);
    expect(storedValue(-32768, -32768, 0.01, 0)).toBeNaN();
    expect(storedValue(NaN, -9999, 1, 0)).toBeNaN();
    expect(storedValue(5, NaN, 2, 1)).toBe(11);
  });
  it('RAW leaves a value as stored, a stored −0 included', () => {
    expect(Object.is(storedValue(-0, NaN, RAW.scale, RAW.offset), -0)).toBe(true);
    expect(storedValue(3.25, NaN, RAW.scale, RAW.offset)).toBe(3.25);
  });
});

describe('storedValues and unscaled against numpy', () => {
  const cases = [
    { dtype: 'int16', Type: Int16Array, values: [0, 250, -9999, 32767, -32768, 17], nodata: -9999, scale: 0.01, offset: -5, out: 'float32' },
    { dtype: 'uint8', Type: Uint8Array, values: [0, 1, 254, 255, 100], nodata: 255, scale: 1, offset: 0.5, out: 'float32' },
    { dtype: 'float32', Type: Float32Array, values: [1.5, NaN, -3.4028234663852886e38, 2.25], nodata: Math.fround(-3.4028234663852886e38), scale: 2, offset: 1, out: 'float32' },
    { dtype: 'int32', Type: Int32Array, values: [2147483647, -2147483648, 0, 5], nodata: null, scale: 1e-3, offset: 273.15, out: 'float64' },
    { dtype: 'float64', Type: Float64Array, values: [NaN, 1e300, -7.5], nodata: NaN, scale: 1, offset: 0, out: 'float64' },
  ] as const;
  for (const c of cases) {
    it(`${c.dtype}, nodata ${c.nodata}, × ${c.scale} + ${c.offset}`, () => {
      const stored = (c.Type as unknown as { from(a: readonly number[]): ArrayLike<number> & { [i: number]: number } }).from(c.values);
      const expected = numpy([...c.values], c.dtype, c.nodata === null || Number.isNaN(c.nodata) ? null : c.nodata, c.scale, c.offset, c.out);
      const Out = c.out === 'float32' ? Float32Array : Float64Array;
      expect(Array.from(storedValues(stored, new Out(stored.length), c.nodata, c.scale, c.offset))).toEqual(expected);
      const u = unscaled(stored as never, c.dtype, c.nodata, { scale: c.scale, offset: c.offset });
      expect(u).toBeInstanceOf(Out);
      expect(Array.from(u as Float32Array)).toEqual(expected);
    });
  }
  it('unscaled reads int64 samples as numbers, and returns complex samples as stored', () => {
    expect(Array.from(unscaled(BigInt64Array.of(10n, -1n), 'int64', -1, { scale: 0.5, offset: 0 }) as Float64Array)).toEqual([5, NaN]);
    const complex = Float32Array.of(1, 2, 3, 4);
    expect(unscaled(complex, 'cfloat32', null, { scale: 2, offset: 0 })).toBe(complex);
  });
  it('storedValues writes in place into a float array', () => {
    const a = Float32Array.of(1, -9999, 3);
    expect(storedValues(a, a, -9999, 10, 0)).toBe(a);
    expect(Array.from(a)).toEqual([10, NaN, 30]);
  });
});
