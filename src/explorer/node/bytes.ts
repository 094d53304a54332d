// Bytes that print as text the way a Node Buffer does (`toString('utf8')`), for the adapters of
// node:fs and node:zlib: the library decodes a few files (the EPSG table) that way.

export class Bytes extends Uint8Array {
  /** The same memory as `bytes`, without a copy. */
  static view(bytes: Uint8Array): Bytes {
    return new Bytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
  }

  override toString(encoding?: string): string {
    return encoding ? new TextDecoder(/latin1|binary/i.test(encoding) ? 'latin1' : 'utf-8').decode(this) : super.toString();
  }
}
