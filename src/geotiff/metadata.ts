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

/** The numeric TIFF sample types. */
export type DataType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/**
 * Parses a GDAL_NODATA string and rounds it to the band's own precision, as GDAL compares it:
 * `-3.4e+38` in a float32 band is `Math.fround(-3.4e38)`; a value an integer band cannot hold
 * never matches (null). `nan` gives NaN.
 */
export function parseNoData(text: string | undefined, type: DataType): number | null {
  if (text === undefined) return null;
  const t = text.replace(/\0/g, '').trim();
  if (t === '') return null;
  const v = /^[+-]?nan$/i.test(t) ? NaN : /^[+-]?inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
  if (Number.isNaN(v) && !/nan/i.test(t)) return null;
  switch (type) {
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    default: {
      const range = INTEGER_RANGES[type];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) return null;
      return v;
    }
  }
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 4294967295], int32: [-2147483648, 2147483647],
};

/** Bytes per sample of a data type. */
export function bytesOf(type: DataType): number {
  return { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 }[type];
}

/** The typed array class for a data type. */
export function arrayTypeOf(type: DataType) {
  return { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array,
    int32: Int32Array, float32: Float32Array, float64: Float64Array }[type];
}

/** Typed arrays returned by reads. */
export type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** The data type of TIFF `BitsPerSample` and `SampleFormat`, or null when not one of ours. */
export function dataTypeOf(bits: number, format: number): DataType | null {
  const key = `${format}:${bits}`;
  const types: Record<string, DataType> = {
    '1:8': 'uint8', '2:8': 'int8', '1:16': 'uint16', '2:16': 'int16', '1:32': 'uint32', '2:32': 'int32',
    '3:32': 'float32', '3:64': 'float64',
  };
  return types[key] ?? null;
}
