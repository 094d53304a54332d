import { createRequire } from 'node:module';

/** The TurboJPEG decoder of libjpeg-turbo built to WebAssembly (@cornerstonejs/codec-libjpeg-turbo-8bit). */
interface TurboModule {
  JPEGDecoder: new () => {
    getEncodedBuffer(length: number): Uint8Array;
    getDecodedBuffer(): Uint8Array;
    decode(): void;
    getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
    delete(): void;
  };
}

let turbo: Promise<TurboModule> | undefined;

function loadTurbo(): Promise<TurboModule> {
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs') as () => Promise<TurboModule>;
  return (turbo ??= factory());
}

/** What decoding a JPEG block gives: samples per pixel and the pixels, `width × height × samples` bytes. */
export interface JpegPixels { width: number; height: number; samples: number; pixels: Uint8Array }

/**
 * Decodes one JPEG tile or strip with libjpeg-turbo, the library GDAL, rasterio and libtiff use
 * (its default accurate integer IDCT, jpeg_idct_islow, and fancy upsampling), so 8-bit samples are
 * GDAL's to the bit. The file's JPEGTables (quantisation and Huffman tables of abbreviated
 * streams) are put in front. An Adobe marker is put after the start of the stream so libjpeg
 * converts YCbCr to RGB exactly when GDAL does (photometric YCbCr; `convertYCbCr`), and leaves
 * every other stream's samples as stored, whatever markers the encoder wrote.
 * Returns null for what TurboJPEG cannot decode here (4 or more components, 12-bit samples):
 * the caller decodes those otherwise.
 * @throws Error with libjpeg's reason when the stream is damaged
 */
export async function decodeJpeg(bytes: Uint8Array, tables: Uint8Array | undefined, convertYCbCr: boolean): Promise<JpegPixels | null> {
  const components = frameComponents(bytes) ?? (tables ? frameComponents(tables) : null);
  if (components === null || (components !== 1 && components !== 3) || frameBits(bytes) !== 8) return null;
  const stream = withTables(bytes, tables, components === 3 ? (convertYCbCr ? 1 : 0) : null);
  const module = await loadTurbo();
  const decoder = new module.JPEGDecoder();
  try {
    decoder.getEncodedBuffer(stream.length).set(stream);
    try {
      decoder.decode();
    } catch (err) {
      // Emscripten throws the C++ exception's address; libjpeg's message went to stderr
      throw new Error(`JPEG data is damaged (libjpeg-turbo stopped${typeof err === 'object' && err && 'message' in err ? `: ${(err as Error).message}` : ''})`);
    }
    const info = decoder.getFrameInfo();
    return { width: info.width, height: info.height, samples: info.componentCount, pixels: new Uint8Array(decoder.getDecodedBuffer()) };
  } finally {
    decoder.delete();
  }
}

/**
 * The block's stream with the tables' segments before its own, and an Adobe APP14 marker right
 * after SOI: transform 1 (YCbCr, converted to RGB) or 0 (stored as is), or none for one component.
 */
export function withTables(bytes: Uint8Array, tables: Uint8Array | undefined, adobeTransform: 0 | 1 | null): Uint8Array {
  const body = bytes[0] === 0xff && bytes[1] === 0xd8 ? bytes.subarray(2) : bytes;
  let head: Uint8Array = new Uint8Array(0);
  if (tables && tables.length >= 4) {
    const end = tables[tables.length - 2] === 0xff && tables[tables.length - 1] === 0xd9 ? tables.length - 2 : tables.length;
    head = tables.subarray(tables[0] === 0xff && tables[1] === 0xd8 ? 2 : 0, end);
  }
  const adobe = adobeTransform === null ? new Uint8Array(0)
    : Uint8Array.of(0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, adobeTransform);
  const out = new Uint8Array(2 + adobe.length + head.length + body.length);
  out.set([0xff, 0xd8]);
  out.set(adobe, 2);
  out.set(head, 2 + adobe.length);
  out.set(body, 2 + adobe.length + head.length);
  return out;
}

/** The SOF segment's offset (its marker), or -1. */
function frameAt(b: Uint8Array): number {
  for (let i = 2; i + 9 < b.length;) {
    if (b[i] !== 0xff) { i++; continue; }
    const marker = b[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return i;
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    if (marker === 0xda) return -1;
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return -1;
}

/** Components of the JPEG frame, or null when the stream has no frame header. */
export function frameComponents(b: Uint8Array): number | null {
  const at = frameAt(b);
  return at < 0 ? null : b[at + 9];
}

/** Bits per sample of the JPEG frame (8 or 12), or 8 when unknown. */
export function frameBits(b: Uint8Array): number {
  const at = frameAt(b);
  return at < 0 ? 8 : b[at + 4];
}
