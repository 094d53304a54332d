import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { FileError, InputError, invalid } from '../errors.js';
import { checkOutputPath } from '../guard.js';
import { KNOWN_CRS } from './crs.js';
import { parseProj4 } from '../grid/cellArea.js';
import { arrayTypeOf, bytesOf, escapeXml, type DataType, type TypedArray } from './metadata.js';
import type { Transform, Window } from './openRaster.js';

const deflateAsync = promisify(deflate);

/**
 * What `writeGeoTIFF` writes: the grid, its georeferencing and labels, and the pixels either in
 * memory (`values`, one array per band) or from a `read` function called window by window, so a
 * raster opened with `openRaster` can be copied and a large one generated without holding it.
 */
export interface WritableRaster {
  width: number;
  height: number;
  /** Number of bands. */
  bands: number;
  dataType: DataType;
  transform: Transform;
  /** proj4 definition, or '' for none. A definition equal to a known EPSG code is written as that code. */
  crs: string;
  /** EPSG code to write instead of translating `crs`. */
  epsg?: number | null;
  noData?: number | null;
  bandNames?: string[];
  bandUnits?: string[];
  /** Dataset-level metadata items (for example `{ SYNTHETIC: 'yes' }`). */
  metadata?: Record<string, string>;
  /** Pixels of every band, row by row. */
  values?: TypedArray[];
  /** Or: pixels of a window of every band (called with consecutive full-width row windows). */
  read?: (options: { window: Window }) => Promise<TypedArray[]> | TypedArray[];
  /** Where the raster was read from; writing over it is refused. */
  source?: string;
}

/** Options for {@link writeGeoTIFF}. */
export interface WriteOptions {
  /** Tile width and height in pixels (multiple of 16). Default 256. */
  tileSize?: number;
  /** Default `deflate`. */
  compression?: 'deflate' | 'none';
  /** DEFLATE level 1–9. Default 6 (GDAL's default). */
  level?: number;
  /** 1 none (default), 2 horizontal differencing (integers), 3 floating point (floats). */
  predictor?: 1 | 2 | 3;
  /** `auto` (default): BigTIFF when the uncompressed image would approach 4 GiB. */
  bigTiff?: 'auto' | boolean;
  /** Replace an existing file at `path`. Default false. */
  overwrite?: boolean;
  /** Allow writing into a dataset's own folder (refused by default). */
  intoDataFolder?: boolean;
  /** Called after each tile row with the fraction done. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** What was written. */
export interface WriteResult {
  path: string;
  bytes: number;
  tiles: number;
  bigTiff: boolean;
}

/**
 * Writes a tiled, compressed GeoTIFF that GDAL reads with its CRS, geotransform, nodata, band
 * names and units. Rows are fetched and written one tile row at a time, compressed on the
 * zlib thread pool; the file is written to a temporary name beside `path` and renamed at the end,
 * so a failure never leaves a half-written file or damages an existing one.
 * @example
 * await writeGeoTIFF('out/trend.tif', { width, height, bands: 1, dataType: 'float32', transform, crs,
 *   noData: -9999, bandNames: ['magt_c_per_decade'], values: [slopes] });
 */
export async function writeGeoTIFF(path: string, raster: WritableRaster, options: WriteOptions = {}): Promise<WriteResult> {
  const target = resolve(path);
  checkRaster(raster, target);
  const tileSize = options.tileSize ?? 256;
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0 || tileSize > 4096) {
    throw new InputError(invalid('tileSize', tileSize, 'a multiple of 16 from 16 to 4096'));
  }
  const compression = options.compression ?? 'deflate';
  if (compression !== 'deflate' && compression !== 'none') throw new InputError(invalid('compression', compression, '"deflate" or "none"'));
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new InputError(invalid('level', level, 'an integer from 1 to 9'));
  const predictor = options.predictor ?? 1;
  const floating = raster.dataType.startsWith('float');
  if (![1, 2, 3].includes(predictor) || (predictor === 3 && !floating)) {
    throw new InputError(invalid('predictor', predictor, floating ? '1, 2 or 3' : '1 or 2 (3 is for float data)'));
  }
  if (predictor !== 1 && compression === 'none') throw new InputError(invalid('predictor', predictor, '1 when compression is "none"'));
  const bps = bytesOf(raster.dataType);
  const uncompressed = raster.width * raster.height * raster.bands * bps;
  const bigTiff = options.bigTiff === 'auto' || options.bigTiff === undefined ? uncompressed > 3.9 * 2 ** 30 : options.bigTiff;

  checkOutputPath(target, options);
  if (existsSync(target)) {
    if (raster.source && sameFile(raster.source, target)) throw new InputError(`refusing to write over the file being read: ${target}`);
    if (!options.overwrite) throw new FileError('the file exists; pass { overwrite: true } to replace it', target);
  }
  if (!existsSync(dirname(target))) throw new FileError('the folder does not exist', dirname(target));

  const across = Math.ceil(raster.width / tileSize);
  const down = Math.ceil(raster.height / tileSize);
  const tiles = across * down * raster.bands;
  const offsets = new Float64Array(tiles);
  const counts = new Float64Array(tiles);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  let position = bigTiff ? 16 : 8;
  try {
    const Type = arrayTypeOf(raster.dataType);
    const fill = raster.noData ?? 0;
    for (let ty = 0; ty < down; ty++) {
      if (options.signal?.aborted) throw new InputError('writing aborted');
      const y = ty * tileSize;
      const rows = Math.min(tileSize, raster.height - y);
      const strip = await stripOf(raster, { x: 0, y, width: raster.width, height: rows });
      // band by band: one band's tiles of this strip are copied and compressed at a time
      for (let band = 0; band < raster.bands; band++) {
        const jobs: Promise<Uint8Array>[] = [];
        for (let tx = 0; tx < across; tx++) {
          const tile = new Type(tileSize * tileSize) as TypedArray;
          if (fill !== 0) tile.fill(fill);
          const x = tx * tileSize;
          const cols = Math.min(tileSize, raster.width - x);
          for (let r = 0; r < rows; r++) {
            const src = r * raster.width + x;
            tile.set(strip[band].subarray(src, src + cols), r * tileSize);
          }
          jobs.push(encodeTile(tile, tileSize, bps, predictor, compression, level));
        }
        const encoded = await Promise.all(jobs);
        for (let tx = 0; tx < across; tx++) {
          const index = band * across * down + ty * across + tx;
          offsets[index] = position;
          counts[index] = encoded[tx].byteLength;
          await writeAll(handle, encoded[tx], position);
          position += encoded[tx].byteLength;
        }
      }
      options.onProgress?.((ty + 1) / down);
    }
    if (!bigTiff && position > 0xffffffff - 1e6) {
      throw new FileError('the compressed data passed 4 GiB; write again with { bigTiff: true }', target);
    }
    const ifdOffset = position + (position % 2);
    const ifd = buildIfd(raster, { tileSize, compression, predictor, bigTiff, offsets, counts, ifdOffset });
    await writeAll(handle, ifd, ifdOffset);
    await writeAll(handle, header(bigTiff, ifdOffset), 0);
    await handle.sync();
    await handle.close();
    await rename(temporary, target);
    return { path: target, bytes: ifdOffset + ifd.byteLength, tiles, bigTiff };
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw err;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

function checkRaster(r: WritableRaster, target: string): void {
  const where = target;
  if (!r || !Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width < 1 || r.height < 1) {
    throw new InputError(invalid('raster size', `${r?.width} × ${r?.height}`, 'whole numbers of pixels, at least 1 × 1'), where);
  }
  if (!Number.isInteger(r.bands) || r.bands < 1 || r.bands > 65535) throw new InputError(invalid('bands', r.bands, 'a count from 1'), where);
  if (!['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'].includes(r.dataType)) {
    throw new InputError(invalid('dataType', r.dataType, 'uint8, int16, float32 or another numeric TIFF type'), where);
  }
  const t = r.transform;
  if (!t || ![t.originX, t.originY, t.pixelWidth, t.pixelHeight].every(Number.isFinite) || t.pixelWidth === 0 || t.pixelHeight === 0) {
    throw new InputError(invalid('transform', JSON.stringify(t), 'finite origin and non-zero pixel size'), where);
  }
  if (r.values) {
    if (r.values.length !== r.bands) throw new InputError(invalid('values', `${r.values.length} arrays`, `${r.bands}, one per band`), where);
    r.values.forEach((v, i) => {
      if (v.length !== r.width * r.height) throw new InputError(invalid(`values of band ${i + 1}`, `${v.length} samples`, `${r.width * r.height} (width × height)`), where);
    });
  } else if (typeof r.read !== 'function') {
    throw new InputError('a raster to write needs `values` (one array per band) or a `read({ window })` function', where);
  }
  for (const [name, list] of [['bandNames', r.bandNames], ['bandUnits', r.bandUnits]] as const) {
    if (list && list.length !== r.bands) throw new InputError(invalid(name, `${list.length} entries`, `${r.bands}, one per band`), where);
  }
}

async function stripOf(r: WritableRaster, window: Window): Promise<TypedArray[]> {
  const Type = arrayTypeOf(r.dataType);
  if (r.values) {
    return r.values.map((v) => {
      const start = window.y * r.width;
      const part = v.subarray(start, start + window.height * r.width);
      return part instanceof Type ? part : (new Type(part as ArrayLike<number>) as TypedArray);
    });
  }
  const got = await r.read!({ window });
  if (!Array.isArray(got) || got.length !== r.bands || got.some((b) => b.length !== window.width * window.height)) {
    throw new InputError(`read({ window: ${JSON.stringify(window)} }) must return ${r.bands} arrays of ${window.width * window.height} samples`);
  }
  return got.map((b) => (b instanceof Type ? b : (new Type(b as ArrayLike<number>) as TypedArray)));
}

async function encodeTile(tile: TypedArray, size: number, bps: number, predictor: number, compression: string, level: number): Promise<Uint8Array> {
  let bytes = new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
  if (predictor === 2) bytes = differenceHorizontally(tile, size);
  else if (predictor === 3) bytes = floatPredict(bytes, size, bps);
  if (compression === 'none') return bytes;
  return deflateAsync(bytes, { level });
}

/** Predictor 2, in the samples' own width with wrap-around (undone by decode.ts). */
function differenceHorizontally(tile: TypedArray, size: number): Uint8Array {
  const bps = tile.BYTES_PER_ELEMENT;
  const copy = new Uint8Array(tile.byteLength);
  copy.set(new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength));
  const view = bps === 1 ? copy : bps === 2 ? new Uint16Array(copy.buffer) : bps === 4 ? new Uint32Array(copy.buffer) : null;
  if (!view) throw new InputError(invalid('predictor', 2, 'predictor 2 with 1-, 2- or 4-byte samples'));
  for (let r = 0; r < size; r++) {
    const start = r * size;
    for (let i = start + size - 1; i > start; i--) view[i] -= view[i - 1];
  }
  return copy;
}

/** Predictor 3: bytes of each row split into planes, most significant first, then byte-differenced. */
function floatPredict(bytes: Uint8Array, size: number, bps: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  const rowBytes = size * bps;
  for (let r = 0; r < size; r++) {
    const base = r * rowBytes;
    for (let k = 0; k < size; k++) {
      for (let b = 0; b < bps; b++) out[base + b * size + k] = bytes[base + k * bps + (bps - 1 - b)];
    }
    for (let i = base + rowBytes - 1; i > base; i--) out[i] = (out[i] - out[i - 1]) & 0xff;
  }
  return out;
}

async function writeAll(handle: import('node:fs/promises').FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

function header(bigTiff: boolean, ifdOffset: number): Uint8Array {
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

function buildIfd(r: WritableRaster, o: { tileSize: number; compression: string; predictor: number; bigTiff: boolean;
  offsets: Float64Array; counts: Float64Array; ifdOffset: number }): Uint8Array {
  const bps = bytesOf(r.dataType) * 8;
  const format = r.dataType.startsWith('float') ? 3 : r.dataType.startsWith('int') ? 2 : 1;
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
  if (t.rotationX === 0 && t.rotationY === 0 && t.pixelHeight < 0) {
    entries.push({ tag: 33550, type: DOUBLE, values: [t.pixelWidth, -t.pixelHeight, 0] });
    entries.push({ tag: 33922, type: DOUBLE, values: [0, 0, 0, t.originX, t.originY, 0] });
  } else {
    entries.push({ tag: 34264, type: DOUBLE, values: [t.pixelWidth, t.rotationX, 0, t.originX, t.rotationY, t.pixelHeight, 0, t.originY, 0, 0, 0, 0, 0, 0, 0, 1] });
  }
  if (r.crs || r.epsg) {
    const keys = geoKeys(r);
    entries.push({ tag: 34735, type: SHORT, values: keys.directory });
    if (keys.doubles.length) entries.push({ tag: 34736, type: DOUBLE, values: keys.doubles });
    if (keys.ascii) entries.push({ tag: 34737, type: ASCII, values: keys.ascii });
  }
  const xml = gdalMetadataXml(r);
  if (xml) entries.push({ tag: 42112, type: ASCII, values: xml });
  if (r.noData !== undefined && r.noData !== null) entries.push({ tag: 42113, type: ASCII, values: formatNoData(r.noData) });
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

function gdalMetadataXml(r: WritableRaster): string {
  const items: string[] = [];
  const escapeXml2 = (text: string) => escapeXml(escapeXml(text)); // GDAL's on-disk form: escaped twice
  for (const [name, value] of Object.entries(r.metadata ?? {})) items.push(`  <Item name="${escapeXml(name)}">${escapeXml2(String(value))}</Item>`);
  r.bandNames?.forEach((name, i) => items.push(`  <Item name="DESCRIPTION" sample="${i}" role="description">${escapeXml2(name)}</Item>`));
  r.bandUnits?.forEach((unit, i) => { if (unit) items.push(`  <Item name="UNITTYPE" sample="${i}" role="unittype">${escapeXml2(unit)}</Item>`); });
  return items.length ? `<GDALMetadata>\n${items.join('\n')}\n</GDALMetadata>` : '';
}

/** GeoKeys for an EPSG code, or for a user-defined polar stereographic proj4 definition. */
function geoKeys(r: WritableRaster): { directory: number[]; doubles: number[]; ascii: string } {
  const keys: [number, number, number, number][] = []; // key, location, count, value/offset
  const doubles: number[] = [];
  let ascii = '';
  const addAscii = (key: number, text: string) => { keys.push([key, 34737, text.length + 1, ascii.length]); ascii += text + '|'; };
  const addDouble = (key: number, v: number) => { keys.push([key, 34736, 1, doubles.length]); doubles.push(v); };
  const code = r.epsg ?? epsgOf(r.crs);
  const geographic = code !== null ? KNOWN_CRS[code]?.proj4.startsWith('+proj=longlat') || code === 4326 : /\+proj=longlat/.test(r.crs);
  keys.push([1024, 0, 1, geographic ? 2 : 1]); // GTModelType
  keys.push([1025, 0, 1, 1]); // GTRasterType: PixelIsArea
  if (code !== null && code <= 32767) {
    if (geographic) keys.push([2048, 0, 1, code]);
    else keys.push([3072, 0, 1, code]);
    addAscii(1026, KNOWN_CRS[code]?.name ?? `EPSG:${code}`);
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
