// Bytes as a typed array of their sample type: the one place that views (or, when it must, copies)
// a byte range as wider numbers. Shared by the TIFF block decoder and the NetCDF classic reader.

/** A typed-array constructor that can view a buffer (Float32Array, BigInt64Array, …). */
export interface ArrayViewType<T> {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * `bytes` as an array of `Type`, sharing their memory when they start on a multiple of the sample
 * size, else copied once to an aligned buffer (a typed array cannot start mid-sample). A trailing
 * partial sample is left out. Byte order is the machine's: swap first for another.
 * @example alignedArray(bytes.subarray(1, 9), Float32Array) // two float32 values (copied: offset 1)
 */
export function alignedArray<T>(bytes: Uint8Array, Type: ArrayViewType<T>): T {
  const size = Type.BYTES_PER_ELEMENT;
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return new Type(aligned.buffer as ArrayBuffer, aligned.byteOffset, Math.floor(aligned.byteLength / size));
}
