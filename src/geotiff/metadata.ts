import { FormatError } from '../errors.js';
import { parseXml, unescapeXml } from './xml.js';

/** What the GDAL_METADATA tag holds, split into dataset items and per-band items. */
export interface GdalMetadata {
  dataset: Record<string, string>;
  /** One record per band (0-based), with `DESCRIPTION`, `SCALE`, `OFFSET`, `UNITTYPE` when present. */
  bands: Record<string, string>[];
}

/**
 * Parses GDAL's `<GDALMetadata><Item name=".." sample="0" role="..">value</Item>…` XML (the
 * GDAL_METADATA tag) with the shared XML reader. Items with a `role` (description, scale, offset,
 * unittype) are stored under the role's upper-case name; `domain` items other than the default are skipped.
 * @param file the file to name in errors
 * @throws FormatError when the tag is not text, or not well-formed XML with a `<GDALMetadata>` root
 *   (GDAL then reports an error and reads none of it).
 * @example parseGdalMetadata('<GDALMetadata><Item name="DESCRIPTION" sample="0" role="description">1980-1984</Item></GDALMetadata>', 1).bands[0] // { DESCRIPTION: '1980-1984' }
 */
export function parseGdalMetadata(xml: unknown, bands: number, file?: string): GdalMetadata {
  const result: GdalMetadata = { dataset: {}, bands: Array.from({ length: bands }, () => ({})) };
  if (xml === undefined) return result;
  if (typeof xml !== 'string') throw new FormatError(`invalid GDAL_METADATA: a tag of ${ArrayBuffer.isView(xml) || Array.isArray(xml) ? 'numbers' : typeof xml} (expected ASCII text)`, file);
  const text = xml.split('\0', 1)[0]; // an ASCII tag ends at its first NUL, as GDAL (C) reads it
  if (text === '') return result;
  const root = parseXml(text, { what: 'GDAL_METADATA', file });
  if (root.name !== 'GDALMetadata') throw new FormatError(`invalid GDAL_METADATA: a <${root.name.slice(0, 40)}> document (expected a <GDALMetadata> root)`, file);
  for (const item of root.children) {
    if (item.name !== 'Item') continue;
    const attr = (name: string): string | undefined => item.attributes[name];
    if (attr('domain')) continue;
    // GDAL escapes values twice (CPLEscapeString, then the XML serializer): the reader undid one.
    const value = unescapeXml(item.text);
    const name = attr('name') ?? '';
    const role = attr('role');
    const key = (role ?? name).toUpperCase() === 'DESCRIPTION' ? 'DESCRIPTION' : role ? role.toUpperCase() : name;
    const sample = attr('sample');
    if (sample === undefined) result.dataset[key] = value;
    else {
      const band = Number(sample);
      if (Number.isInteger(band) && band >= 0 && band < bands) result.bands[band][key] = value;
    }
  }
  return result;
}

/** The sample types, by GDAL's names (complex types hold a real and an imaginary part per sample). */
export type DataType = NumericDataType | 'int64' | 'uint64' | 'cint16' | 'cint32' | 'cfloat32' | 'cfloat64';

/** The types read into a TypedArray of numbers, one per sample (the types this package writes). */
export type NumericDataType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/**
 * Parses a GDAL_NODATA string and rounds it to the band's own precision, as GDAL compares it:
 * `-3.4e+38` in a float32 band is `Math.fround(-3.4e38)`; a value an integer band cannot hold
 * never matches (null). `nan` gives NaN; `inf`, and `1.#INF` as older Windows builds write it,
 * give infinities. Complex bands compare the real part.
 */
export function parseNoData(text: string | undefined, type: DataType): number | null {
  if (text === undefined) return null;
  const t = text.replace(/\0/g, '').trim();
  if (t === '') return null;
  const v = /^[+-]?nan$|^[+-]?1\.#(QNAN|IND|SNAN)/i.test(t) ? NaN : /^[+-]?(inf|1\.#INF)/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
  if (Number.isNaN(v) && !/nan|#(QNAN|IND|SNAN)/i.test(t)) return null;
  switch (type) {
    case 'float32': case 'cfloat32': return Math.fround(v);
    case 'float64': case 'cfloat64': return v;
    default: {
      const range = INTEGER_RANGES[type];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) return null;
      return v;
    }
  }
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 4294967295], int32: [-2147483648, 2147483647], int64: [-(2 ** 63), 2 ** 63], uint64: [0, 2 ** 64],
  cint16: [-32768, 32767], cint32: [-2147483648, 2147483647],
};

/** Bytes per sample of a data type (a complex sample: both parts). */
export function bytesOf(type: DataType): number {
  return { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8, int64: 8, uint64: 8,
    cint16: 4, cint32: 8, cfloat32: 8, cfloat64: 16 }[type];
}

/** Numbers per sample: 2 for complex types (real, imaginary), else 1. */
export function partsOf(type: DataType): number {
  return type.startsWith('c') ? 2 : 1;
}

type TypedArrayClass = typeof Uint8Array | typeof Int8Array | typeof Uint16Array | typeof Int16Array | typeof Uint32Array | typeof Int32Array
  | typeof Float32Array | typeof Float64Array;

/** The typed array class for a data type (for complex types, of one part: samples are interleaved pairs). */
export function arrayTypeOf(type: NumericDataType): TypedArrayClass;
export function arrayTypeOf(type: DataType): TypedArrayClass | typeof BigInt64Array | typeof BigUint64Array;
export function arrayTypeOf(type: DataType) {
  return { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array,
    int32: Int32Array, float32: Float32Array, float64: Float64Array, int64: BigInt64Array, uint64: BigUint64Array,
    cint16: Int16Array, cint32: Int32Array, cfloat32: Float32Array, cfloat64: Float64Array }[type];
}

/** Typed arrays of numbers: what reads of every type but int64 and uint64 return. */
export type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** What reads return: a TypedArray, or a BigInt64Array / BigUint64Array for int64 / uint64 bands. */
export type SampleArray = TypedArray | BigInt64Array | BigUint64Array;

/**
 * Read bands as TypedArrays of numbers, for code that computes with them: int64 and uint64 bands
 * become Float64Array (exact up to 2^53), other arrays are returned as they are.
 * @example
 * const [values] = asNumbers(await raster.read({ bands: [0] }));
 */
export function asNumbers(bands: SampleArray[]): TypedArray[] {
  return bands.map((b) => (b instanceof BigInt64Array || b instanceof BigUint64Array ? Float64Array.from(b, Number) : b));
}

/**
 * The data type of TIFF `BitsPerSample` and `SampleFormat` as GDAL reads it, and how the samples
 * are stored when that differs (`stored`: bit-packed, 24-bit, float16 or float24), or null when
 * GDAL has no type for them.
 */
export function dataTypeOf(bits: number, format: number): { type: DataType; stored?: { bits: number; format: number } } | null {
  const key = `${format}:${bits}`;
  const types: Record<string, DataType> = {
    '1:8': 'uint8', '2:8': 'int8', '1:16': 'uint16', '2:16': 'int16', '1:32': 'uint32', '2:32': 'int32',
    '3:32': 'float32', '3:64': 'float64', '1:64': 'uint64', '2:64': 'int64',
    '5:32': 'cint16', '5:64': 'cint32', '6:64': 'cfloat32', '6:128': 'cfloat64',
  };
  if (types[key]) return { type: types[key] };
  if (format === 1 && bits >= 1 && bits <= 31) return { type: bits <= 8 ? 'uint8' : bits <= 16 ? 'uint16' : 'uint32', stored: { bits, format } };
  if (format === 3 && (bits === 16 || bits === 24)) return { type: 'float32', stored: { bits, format } };
  return null;
}

/**
 * The sample type of an image from its BitsPerSample and SampleFormat tags (one value, or one per
 * band, all equal), as GDAL reads it.
 * @throws FormatError for bands of different types, or a type GDAL has no name for
 */
export function sampleTypeOf(bitsTag: unknown, formatTag: unknown, file: string): { bits: number; format: number; type: DataType; stored?: { bits: number; format: number } } {
  const list = (tag: unknown): number[] => (tag === undefined || tag === null ? [1] : ArrayBuffer.isView(tag) || Array.isArray(tag) ? Array.from(tag as ArrayLike<number>, Number) : [Number(tag)]);
  const bitsList = list(bitsTag), formatList = list(formatTag);
  const [bits, format] = [bitsList[0], formatList[0]];
  if (bitsList.some((b) => b !== bits) || formatList.some((f) => f !== format)) {
    throw new FormatError(`bands of different sample types (BitsPerSample ${bitsList}, SampleFormat ${formatList}) are not supported`, file);
  }
  const typed = dataTypeOf(bits, format);
  if (!typed) throw new FormatError(`unsupported sample type: ${bits}-bit ${['', 'unsigned integer', 'signed integer', 'float', 'void', 'complex integer', 'complex float'][format] ?? `format ${format}`}`, file);
  return { bits, format, ...typed };
}
