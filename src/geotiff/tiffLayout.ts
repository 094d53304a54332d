// The bytes of a GeoTIFF around its pixels: the header, the image file directory with its tags,
// GDAL's metadata and nodata, and the GeoKeys of the CRS (writeGeoTIFF.ts writes the pixels).
import { InputError, invalid } from '../errors.js';
import { epsgToProj4, KNOWN_CRS, parseProj4 } from './crs.js';
import { epsgTable } from './epsgTable.js';
import { bytesOf, type DataType, type SampleArray } from './metadata.js';
import { escapeXml } from '../core/escape.js';
import { asTransform, type TransformInput } from './rasterNames.js';
import type { Transform, Window } from './types.js';

/**
 * What `writeGeoTIFF` writes: the grid, its georeferencing and labels, and the pixels either in
 * memory (`values`, one array per band) or from a `read` function called window by window, so a
 * raster opened with `openRaster` can be copied and a large one generated without holding it. The
 * sample type, nodata and labels go under their snake_case names (`data_type`, `nodata`,
 * `band_names`, `band_units`) or, deprecated, the camelCase ones; `data_type` (or `dataType`) is required.
 */
export type WritableRaster = WritableGrid & Partial<WritableValues> & Partial<LegacyWritableValues>;

/** What every WritableRaster gives: the grid, georeferencing and pixels. */
export interface WritableGrid {
  width: number;
  height: number;
  /** Number of bands. */
  bands: number;
  /** Either spelling: snake_case (`origin_x`, …) or the deprecated camelCase (see asTransform). */
  transform: TransformInput;
  /** proj4 definition, or '' for none. A definition equal to a known EPSG code is written as that code. */
  crs: string;
  /** EPSG code to write instead of translating `crs`. */
  epsg?: number | null;
  /** Dataset-level metadata items (for example `{ SYNTHETIC: 'yes' }`). */
  metadata?: Record<string, string>;
  /** Pixels of every band, row by row. */
  values?: SampleArray[];
  /** Or: pixels of a window of every band (called with consecutive full-width row windows). */
  read?: (options: { window: Window }) => Promise<SampleArray[]> | SampleArray[];
  /** Where the raster was read from; writing over it is refused. */
  source?: string;
}

/** The sample type, nodata and band labels, by their names (a Raster from openRaster has them). */
export interface WritableValues {
  /** One of the numeric types (uint8 … float64): int64, uint64 and complex types are not written. */
  data_type: DataType;
  nodata?: number | null;
  band_names?: string[];
  band_units?: string[];
}

/** The same under the names of earlier releases (deprecated, removed in the next release). */
export interface LegacyWritableValues {
  /** @deprecated use data_type (removed in the next release) */
  dataType: DataType;
  /** @deprecated use nodata (removed in the next release) */
  noData?: number | null;
  /** @deprecated use band_names (removed in the next release) */
  bandNames?: string[];
  /** @deprecated use band_units (removed in the next release) */
  bandUnits?: string[];
}

/** A WritableRaster as the writer reads it: snake_case names, the transform with both spellings. */
export type Writable = Omit<WritableGrid, 'transform'> & WritableValues & { transform: Transform };

/**
 * A WritableRaster's fields under their snake_case names, each taken from either spelling; both
 * spellings given with different values are an InputError naming the field.
 * @example asWritable({ width: 2, height: 1, bands: 1, dataType: 'uint8', transform, crs: '', values }).data_type // 'uint8'
 */
export function asWritable(r: WritableRaster, where: string): Writable {
  if (!r || typeof r !== 'object') throw new InputError(invalid('raster', String(r), 'an object { width, height, bands, data_type, transform, crs, values or read }'), where);
  const given = r as unknown as Record<string, unknown>;
  const pick = <T>(name: string, old: string): T => {
    const a = given[name], b = given[old];
    if (a !== undefined && b !== undefined && a !== b && JSON.stringify(a) !== JSON.stringify(b)) {
      throw new InputError(invalid(name, JSON.stringify(a), `the same as ${old} (${JSON.stringify(b)}); give ${name} alone, ${old} is deprecated`), where);
    }
    return (a ?? b) as T;
  };
  return {
    width: r.width, height: r.height, bands: r.bands, crs: r.crs, epsg: r.epsg, metadata: r.metadata, values: r.values, source: r.source,
    read: r.read ? (options) => r.read!(options) : undefined,
    transform: asTransform(r.transform, where),
    data_type: pick<DataType>('data_type', 'dataType'), nodata: pick('nodata', 'noData'), band_names: pick('band_names', 'bandNames'), band_units: pick('band_units', 'bandUnits'),
  };
}

export function header(bigTiff: boolean, ifdOffset: number): Uint8Array {
  const out = new Uint8Array(bigTiff ? 16 : 8);
  const view = new DataView(out.buffer);
  out[0] = 0x49; out[1] = 0x49; // II: little-endian
  if (bigTiff) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true);
    view.setBigUint64(8, BigInt(ifdOffset), true);
  } else {
    view.setUint16(2, 42, true);
    view.setUint32(4, ifdOffset, true);
  }
  return out;
}

// TIFF field types
const SHORT = 3, LONG = 4, DOUBLE = 12, ASCII = 2, LONG8 = 16;
const TYPE_SIZE: Record<number, number> = { [SHORT]: 2, [LONG]: 4, [DOUBLE]: 8, [ASCII]: 1, [LONG8]: 8 };

interface Entry { tag: number; type: number; values: ArrayLike<number> | string }

export function buildIfd(r: Writable, o: { tileSize: number; compression: string; predictor: number; bigTiff: boolean;
  offsets: Float64Array; counts: Float64Array; ifdOffset: number }): Uint8Array {
  const bps = bytesOf(r.data_type) * 8;
  const format = r.data_type.startsWith('float') ? 3 : r.data_type.startsWith('int') ? 2 : 1;
  const spp = r.bands;
  const entries: Entry[] = [
    { tag: 256, type: LONG, values: [r.width] },
    { tag: 257, type: LONG, values: [r.height] },
    { tag: 258, type: SHORT, values: new Array(spp).fill(bps) },
    { tag: 259, type: SHORT, values: [o.compression === 'deflate' ? 8 : 1] },
    { tag: 262, type: SHORT, values: [1] },
    { tag: 277, type: SHORT, values: [spp] },
    { tag: 284, type: SHORT, values: [spp > 1 ? 2 : 1] },
    { tag: 322, type: SHORT, values: [o.tileSize] },
    { tag: 323, type: SHORT, values: [o.tileSize] },
    { tag: 324, type: o.bigTiff ? LONG8 : LONG, values: o.offsets },
    { tag: 325, type: o.bigTiff ? LONG8 : LONG, values: o.counts },
    { tag: 339, type: SHORT, values: new Array(spp).fill(format) },
  ];
  if (o.predictor !== 1) entries.push({ tag: 317, type: SHORT, values: [o.predictor] });
  if (spp > 1) entries.push({ tag: 338, type: SHORT, values: new Array(spp - 1).fill(0) });
  const t = r.transform;
  if (t.rotation_x === 0 && t.rotation_y === 0 && t.pixel_height < 0) {
    entries.push({ tag: 33550, type: DOUBLE, values: [t.pixel_width, -t.pixel_height, 0] });
    entries.push({ tag: 33922, type: DOUBLE, values: [0, 0, 0, t.origin_x, t.origin_y, 0] });
  } else {
    entries.push({ tag: 34264, type: DOUBLE, values: [t.pixel_width, t.rotation_x, 0, t.origin_x, t.rotation_y, t.pixel_height, 0, t.origin_y, 0, 0, 0, 0, 0, 0, 0, 1] });
  }
  if (r.crs || r.epsg) {
    const keys = geoKeys(r);
    entries.push({ tag: 34735, type: SHORT, values: keys.directory });
    if (keys.doubles.length) entries.push({ tag: 34736, type: DOUBLE, values: keys.doubles });
    if (keys.ascii) entries.push({ tag: 34737, type: ASCII, values: keys.ascii });
  }
  const xml = gdalMetadataXml(r);
  if (xml) entries.push({ tag: 42112, type: ASCII, values: xml });
  if (r.nodata !== undefined && r.nodata !== null) entries.push({ tag: 42113, type: ASCII, values: formatNoData(r.nodata) });
  entries.sort((a, b) => a.tag - b.tag);

  const entrySize = o.bigTiff ? 20 : 12;
  const inline = o.bigTiff ? 8 : 4;
  const countSize = o.bigTiff ? 8 : 2;
  const nextSize = o.bigTiff ? 8 : 4;
  const directorySize = countSize + entries.length * entrySize + nextSize;
  const encoded = entries.map((e) => encodeValues(e));
  let extra = 0;
  for (const bytes of encoded) if (bytes.byteLength > inline) extra += bytes.byteLength + (bytes.byteLength % 2);
  const out = new Uint8Array(directorySize + extra);
  const view = new DataView(out.buffer);
  if (o.bigTiff) view.setBigUint64(0, BigInt(entries.length), true);
  else view.setUint16(0, entries.length, true);
  let dataAt = directorySize;
  entries.forEach((e, i) => {
    const at = countSize + i * entrySize;
    const bytes = encoded[i];
    const count = typeof e.values === 'string' ? bytes.byteLength : e.values.length;
    view.setUint16(at, e.tag, true);
    view.setUint16(at + 2, e.type, true);
    if (o.bigTiff) view.setBigUint64(at + 4, BigInt(count), true);
    else view.setUint32(at + 4, count, true);
    const valueAt = at + (o.bigTiff ? 12 : 8);
    if (bytes.byteLength <= inline) out.set(bytes, valueAt);
    else {
      if (o.bigTiff) view.setBigUint64(valueAt, BigInt(o.ifdOffset + dataAt), true);
      else view.setUint32(valueAt, o.ifdOffset + dataAt, true);
      out.set(bytes, dataAt);
      dataAt += bytes.byteLength + (bytes.byteLength % 2);
    }
  });
  return out; // next IFD offset stays 0
}

function encodeValues(e: Entry): Uint8Array {
  if (typeof e.values === 'string') return new TextEncoder().encode(e.values + '\0');
  const size = TYPE_SIZE[e.type];
  const out = new Uint8Array(e.values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < e.values.length; i++) {
    const v = e.values[i];
    if (e.type === SHORT) view.setUint16(i * 2, v, true);
    else if (e.type === LONG) view.setUint32(i * 4, v, true);
    else if (e.type === LONG8) view.setBigUint64(i * 8, BigInt(v), true);
    else view.setFloat64(i * 8, v, true);
  }
  return out;
}

function formatNoData(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

function gdalMetadataXml(r: Writable): string {
  const items: string[] = [];
  const escapeXml2 = (text: string) => escapeXml(escapeXml(text)); // GDAL's on-disk form: escaped twice
  for (const [name, value] of Object.entries(r.metadata ?? {})) items.push(`  <Item name="${escapeXml(name)}">${escapeXml2(String(value))}</Item>`);
  r.band_names?.forEach((name, i) => items.push(`  <Item name="DESCRIPTION" sample="${i}" role="description">${escapeXml2(name)}</Item>`));
  r.band_units?.forEach((unit, i) => { if (unit) items.push(`  <Item name="UNITTYPE" sample="${i}" role="unittype">${escapeXml2(unit)}</Item>`); });
  return items.length ? `<GDALMetadata>\n${items.join('\n')}\n</GDALMetadata>` : '';
}

/** GeoKeys for an EPSG code, or for a user-defined polar stereographic proj4 definition. */
function geoKeys(r: Writable): { directory: number[]; doubles: number[]; ascii: string } {
  const keys: [number, number, number, number][] = []; // key, location, count, value/offset
  const doubles: number[] = [];
  let ascii = '';
  const addAscii = (key: number, text: string) => { keys.push([key, 34737, text.length + 1, ascii.length]); ascii += text + '|'; };
  const addDouble = (key: number, v: number) => { keys.push([key, 34736, 1, doubles.length]); doubles.push(v); };
  const code = r.epsg ?? epsgOf(r.crs);
  const known = code !== null ? epsgToProj4(code) : null; // the built-in codes, then the EPSG registry
  const geographic = known !== null ? known.startsWith('+proj=longlat') : /\+proj=longlat/.test(r.crs);
  keys.push([1024, 0, 1, geographic ? 2 : 1]); // GTModelType
  keys.push([1025, 0, 1, 1]); // GTRasterType: PixelIsArea
  if (code !== null && code <= 32767) {
    if (geographic) keys.push([2048, 0, 1, code]);
    else keys.push([3072, 0, 1, code]);
    addAscii(1026, KNOWN_CRS[code]?.name ?? epsgTable()?.crs[code]?.[0] ?? `EPSG:${code}`);
  } else {
    const p = parseProj4(r.crs);
    if (p.proj !== 'stere' || Math.abs(Number(p.lat_0)) !== 90) {
      throw new InputError(invalid('crs', r.crs, 'an EPSG code, or a polar stereographic proj4 definition (other user-defined projections are not written)'));
    }
    addAscii(1026, code === 102018 ? 'North_Pole_Stereographic' : 'Polar stereographic (user-defined)');
    if (p.datum === 'WGS84' || p.ellps === 'WGS84') keys.push([2048, 0, 1, 4326]);
    else {
      keys.push([2048, 0, 1, 32767], [2050, 0, 1, 32767], [2056, 0, 1, 32767]);
      const a = Number(p.a ?? p.R);
      const rf = p.rf ? Number(p.rf) : p.b ? a / (a - Number(p.b)) : 0;
      if (!Number.isFinite(a)) throw new InputError(invalid('crs', r.crs, 'a datum or ellipsoid (+datum=WGS84, +a/+rf)'));
      addDouble(2057, a);
      addDouble(2059, rf);
    }
    keys.push([3072, 0, 1, 32767], [3074, 0, 1, 32767], [3075, 0, 1, 15], [3076, 0, 1, 9001]);
    const south = Number(p.lat_0) < 0;
    if (p.lat_ts !== undefined && Math.abs(Number(p.lat_ts)) !== 90) {
      // variant B, written as GDAL and NSIDC write it: the standard parallel in the origin latitude key
      addDouble(3081, Number(p.lat_ts));
      addDouble(3092, 1);
    } else {
      addDouble(3081, south ? -90 : 90);
      addDouble(3092, Number(p.k ?? p.k_0 ?? 1));
    }
    addDouble(3095, Number(p.lon_0 ?? 0));
    addDouble(3082, Number(p.x_0 ?? 0));
    addDouble(3083, Number(p.y_0 ?? 0));
  }
  keys.sort((a, b) => a[0] - b[0]);
  const directory = [1, 1, 0, keys.length, ...keys.flat()];
  return { directory, doubles, ascii };
}

/**
 * Codes GDAL replaces when it meets them (EPSG:3411/3412/3408 are deprecated; GDAL reads 3411
 * as the WGS 84 based 3413, moving coordinates by tens of metres): written as user-defined keys.
 */
const DEPRECATED = new Set([3411, 3412, 3408]);

/** The EPSG code whose definition is exactly this proj4 string, else null. */
function epsgOf(crs: string): number | null {
  const norm = (s: string) => s.trim().split(/\s+/).sort().join(' ');
  for (const [code, def] of Object.entries(KNOWN_CRS)) {
    if (!DEPRECATED.has(Number(code)) && norm(def.proj4) === norm(crs)) return Number(code);
  }
  return null;
}
