// alignedArray: bytes as a typed array of their sample type, shared when aligned, copied when not.
// Referee: numpy.frombuffer on the same bytes.
import { describe, expect, it } from 'vitest';
import { python, referee } from '../helpers.js';
import { alignedArray } from '../../src/geotiff/alignedArray.js';

/** numpy.frombuffer of each byte string (hex) as its dtype, a trailing partial sample left out; one Python run for all. */
const numpy = (cases: [Uint8Array, string][]): number[][] => JSON.parse(referee(python, ['-c', `
import sys, json, numpy as np
out = []
for hexed, dtype in json.load(sys.stdin):
    b = bytes.fromhex(hexed); size = np.dtype(dtype).itemsize
    out.append([None if np.isnan(v) else float(v) for v in np.frombuffer(b[: len(b) // size * size], dtype=dtype).astype(np.float64)])
print(json.dumps(out))`], JSON.stringify(cases.map(([bytes, dtype]) => [Buffer.from(bytes).toString('hex'), dtype])))).map((a: (number | null)[]) => a.map((v) => v ?? NaN));

describe('alignedArray(bytes, Type)', () => {
  const buffer = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 255);
  const types = [[Int16Array, '<i2'], [Uint16Array, '<u2'], [Int32Array, '<i4'], [Float32Array, '<f4'], [Float64Array, '<f8']] as const;
  for (const [Type, dtype] of types) {
    it(`${Type.name}: equals numpy.frombuffer at every byte offset, sharing memory only when aligned`, () => {
      const slices = Array.from({ length: 9 }, (_, start) => buffer.subarray(start, start + 41));
      const expected = numpy(slices.map((bytes) => [bytes, dtype]));
      slices.forEach((bytes, start) => {
        const out = alignedArray(bytes, Type as never) as unknown as ArrayLike<number> & { buffer: ArrayBufferLike };
        expect(Array.from(out), `offset ${start}`).toEqual(expected[start]);
        expect(out.buffer === buffer.buffer, `offset ${start}`).toBe(start % Type.BYTES_PER_ELEMENT === 0);
      });
    });
  }
  it('reads 64-bit integers as BigInt64Array, a trailing partial sample left out', () => {
    const bytes = new Uint8Array(19).fill(0);
    bytes[1] = 1; bytes[9] = 255; bytes.fill(255, 9, 17);
    expect(Array.from(alignedArray(bytes.subarray(1), BigInt64Array))).toEqual([1n, -1n]);
  });
});
