/** What the GDAL_METADATA tag holds, split into dataset items and per-band items. */
export interface GdalMetadata {
  dataset: Record<string, string>;
  /** One record per band (0-based), with `DESCRIPTION`, `SCALE`, `OFFSET`, `UNITTYPE` when present. */
  bands: Record<string, string>[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undoes XML escapes: the five entities and numeric character references. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** XML-escapes text (GDAL_METADATA values are escaped twice, as GDAL writes them). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${Object.keys(ENTITIES).find((k) => ENTITIES[k] === c)};`);
}

/**
 * Parses GDAL's `<GDALMetadata><Item name=".." sample="0" role="..">value</Item>…` XML.
 * Items with a `role` (description, scale, offset, unittype) are stored under the role's
 * upper-case name; `domain` items other than the default are skipped.
 */
export function parseGdalMetadata(xml: string | undefined, bands: number): GdalMetadata {
  const result: GdalMetadata = { dataset: {}, bands: Array.from({ length: bands }, () => ({})) };
  if (!xml) return result;
  const item = /<Item\b([^>]*)>([\s\S]*?)<\/Item>|<Item\b([^>]*)\/>/g;
  for (let m = item.exec(xml); m; m = item.exec(xml)) {
    const attrs = m[1] ?? m[3] ?? '';
    // GDAL escapes values twice (CPLEscapeString, then the XML serializer), and unescapes twice.
    const value = unescapeXml(unescapeXml(m[2] ?? ''));
    const attr = (name: string) => {
      const a = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(attrs);
      return a ? unescapeXml(a[1]) : undefined;
    };
    if (attr('domain')) continue;
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
