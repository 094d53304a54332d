/**
 * Stored samples that are not a whole number of bytes, or not the type they are read as, widened
 * as GDAL widens them: 1- to 7-bit into uint8, 9- to 15-bit into uint16, 17- to 31-bit (24-bit
 * too) into uint32, packed most significant bit first whatever the file's byte order, each row
 * starting on a byte; 16- and 24-bit floats (in the file's byte order) into float32.
 */

/** How a block's samples are stored, when that differs from the type they are read as. */
export interface StoredSamples {
  /** Bits per sample (1–31 except 8 and 16, or 16/24 for floats). */
  bits: number;
  /** TIFF SampleFormat: 1 unsigned integer, 3 float. */
  format: number;
}

/** Bytes per stored sample for the decompressor's byte swapping (1 for bit-packed integers, whose rows are bit streams). */
export function storedSampleBytes(s: StoredSamples): number {
  // libtiff reverses 24-bit samples of big-endian files (its _TIFFSwab24BitData) before GDAL reads them as bit streams
  return s.format === 3 || s.bits === 24 ? s.bits / 8 : 1;
}

/** Bytes one stored row of `values` samples takes. */
export function storedRowBytes(s: StoredSamples, values: number): number {
  return Math.ceil((values * s.bits) / 8);
}

/**
 * Widens a block's stored rows (`rows` of `values` samples each; floats already in this
 * machine's byte order) into samples of `outBytes` bytes each (little-endian).
 */
export function widenSamples(raw: Uint8Array, s: StoredSamples, values: number, rows: number, outBytes: number): Uint8Array {
  const out = new Uint8Array(values * rows * outBytes);
  const rowBytes = storedRowBytes(s, values);
  if (s.format === 3) {
    const f32 = new Float32Array(out.buffer);
    for (let r = 0, o = 0; r < rows; r++) {
      for (let i = 0, at = r * rowBytes; i < values; i++, at += s.bits / 8) {
        f32[o++] = s.bits === 16 ? halfToFloat(raw[at] | (raw[at + 1] << 8)) : float24ToFloat(raw[at] | (raw[at + 1] << 8) | (raw[at + 2] << 16));
      }
    }
    return out;
  }
  const view = outBytes === 1 ? out : outBytes === 2 ? new Uint16Array(out.buffer) : new Uint32Array(out.buffer);
  const bits = s.bits;
  for (let r = 0, o = 0; r < rows; r++) {
    let bit = r * rowBytes * 8;
    for (let i = 0; i < values; i++) {
      let v = 0;
      for (let left = bits; left > 0;) {
        const byte = raw[bit >> 3], offset = bit & 7;
        const take = Math.min(left, 8 - offset);
        v = v * (1 << take) + ((byte >> (8 - offset - take)) & ((1 << take) - 1));
        left -= take;
        bit += take;
      }
      view[o++] = v;
    }
  }
  return out;
}

/** IEEE 754 half precision to a number (exact in float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** GDAL's 24-bit float (1 sign bit, 7 exponent bits with bias 63, 16 mantissa bits) to a number. */
export function float24ToFloat(t: number): number {
  const sign = t & 0x800000 ? -1 : 1;
  const exp = (t >> 16) & 0x7f, frac = t & 0xffff;
  if (exp === 0) return sign * frac * 2 ** (-62 - 16);
  if (exp === 127) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 65536) * 2 ** (exp - 63);
}
