import proj4 from 'proj4';
import { bandTransforms, RAW, storedValue, unscaled } from '../geotiff/valueTransforms.js';
import { registerBlockAccess } from '../geotiff/blockAccess.js';
import { rasterNames } from '../geotiff/rasterNames.js';
import { FormatError, InputError, LimitError, invalid } from '../errors.js';
import { BlockCache } from '../geotiff/blocks.js';
import type { BlockLayout } from '../geotiff/decode.js';
import { arrayTypeOf, bytesOf, type NumericDataType, type SampleArray, type TypedArray } from '../geotiff/metadata.js';
import { bboxOf, invertTransform, KNOWN_LONLAT } from '../geotiff/transform.js';
import type { BlockJob, Point, RasterInternals, ReadOptions, ValuesAtOptions } from '../geotiff/types.js';
import { axisKind, cfCrs, crsOption, decodeTimes, numberAttr, textAttr, transformOf } from './cf.js';
import type { NcFile, NcVariable, NetcdfRaster, OpenNetcdfOptions } from './types.js';

/** Cells of a block when the variable is not chunked: strips of whole rows of about 1 M cells. */
const STRIP_CELLS = 1 << 20;

/**
 * NetCDF's default fill values, which GDAL takes as no data when a variable has no `_FillValue`
 * (GDAL 3.6: none for 8-bit types, which netCDF-C does not fill).
 */
const DEFAULT_FILL: Partial<Record<NumericDataType, number>> = {
  int16: -32767, int32: -2147483647, float32: Math.fround(9.969209968386869e36), float64: 9.969209968386869e36, uint16: 65535, uint32: 4294967295,
};

/** Whether a variable can be a raster: 2-D or 3-D, numbers, its last two dimensions with 1-D coordinate variables. */
export function isGridded(file: NcFile, v: NcVariable): boolean {
  if (v.dims.length < 2 || v.dims.length > 3 || ['char', 'string', 'other'].includes(v.type)) return false;
  if (v.dims.some((d) => d.name === v.name)) return false; // a coordinate variable
  return v.dims.slice(-2).every((d) => file.variables.some((c) => c.name === d.name && c.dims.length === 1));
}

/**
 * One gridded variable of a NetCDF file as a Raster (see {@link openNetcdf}): bands are the steps
 * of the leading dimension, rows north-up, values as CF says (fill and missing values are no
 * data, `scale_factor` and `add_offset` the band's scale and offset). Blocks follow the
 * variable's chunks (strips of about a million cells when it is not chunked): the block engine
 * reads one chunk at a time.
 */
export async function variableRaster(file: NcFile, v: NcVariable, options: OpenNetcdfOptions): Promise<NetcdfRaster> {
  const where = `${file.source} variable ${v.name}`;
  const name = file.source;
  if (!isGridded(file, v)) {
    throw new InputError(`variable ${v.name} (${v.dims.map((d) => d.name).join(', ')}) is not a 2-D or 3-D grid with coordinate variables for its last two dimensions`, name);
  }
  if (v.type === 'int64' || v.type === 'uint64') throw new FormatError(`variable ${v.name} holds ${v.type} values: not supported (GDAL reads them as doubles; convert it first)`, name);
  const dataType = v.type as NumericDataType;
  const rank = v.dims.length;
  const [yDim, xDim] = v.dims.slice(-2);
  const coord = (dim: string) => file.variables.find((c) => c.name === dim && c.dims.length === 1)!;
  const xVar = coord(xDim.name), yVar = coord(yDim.name);
  const xs = await file.readSlab(xVar, [0], [xDim.size]);
  const ys = await file.readSlab(yVar, [0], [yDim.size]);
  const kinds = [axisKind(xVar, xDim.name), axisKind(yVar, yDim.name)];
  if (kinds[0] === 'lat' || kinds[1] === 'lon') {
    throw new FormatError(`variable ${v.name} has dimensions (${v.dims.map((d) => d.name).join(', ')}): latitude before longitude is needed (lat, lon), not transposed; transpose it first (ncpdq -a lat,lon)`, name);
  }
  const notices: string[] = [];
  const unitOf = (c: NcVariable) => {
    const u = textAttr(c.attributes, 'units').toLowerCase();
    if (u === 'km' || u === 'kilometers' || u === 'kilometres') return 1000;
    return 1;
  };
  const unit = kinds[0] === 'projected' ? unitOf(xVar) : 1;
  if (unit !== 1) notices.push(`${v.name}: x and y coordinates in km, taken as ${unit} m each`);
  const float32 = xVar.type === 'float32' || yVar.type === 'float32';
  const { transform, flip } = transformOf(xs, ys, where, unit, float32);
  const width = xDim.size, height = yDim.size;

  // The CRS: the option, else the grid mapping, else lat/lon coordinates say WGS 84.
  let crs: { proj4: string; epsg: number | null } | null = null;
  const mappingName = textAttr(v.attributes, 'grid_mapping').split(/[:\s]/)[0];
  if (options.crs !== undefined) crs = crsOption(options.crs, where);
  else if (mappingName) {
    const mapping = file.variables.find((m) => m.name === mappingName);
    if (!mapping) throw new FormatError(`grid_mapping names ${mappingName}, which is not a variable of the file`, where);
    crs = cfCrs(mapping.attributes, `${file.source} grid mapping ${mappingName}`);
  }
  if (!crs && kinds[0] === 'lon' && kinds[1] === 'lat') {
    crs = { proj4: KNOWN_LONLAT, epsg: 4326 };
    if (!mappingName) notices.push(`${v.name}: no grid_mapping; longitude/latitude coordinates taken as WGS 84 (EPSG:4326) (CF's default; GDAL leaves such a grid without a CRS)`);
  }
  if (!crs) {
    throw new InputError(`variable ${v.name} has no CRS: no grid_mapping, and its coordinates ${xDim.name}, ${yDim.name} are projected; ` +
      `give the crs option, e.g. { crs: 'EPSG:3995' } (on the command line --source-crs EPSG:3995; Obu et al. 2019's NetCDF grids are EPSG:3995)`, name);
  }

  // Bands: the leading dimension, with decoded CF times when it is time.
  const bandDim = rank === 3 ? v.dims[0] : null;
  const bands = bandDim ? bandDim.size : 1;
  if (bands < 1) throw new FormatError(`variable ${v.name} has no ${bandDim?.name} steps`, name);
  const bandVar = bandDim ? file.variables.find((c) => c.name === bandDim.name && c.dims.length === 1) : undefined;
  let times: NetcdfRaster['times'] = null;
  let bandNames = bandDim ? Array.from({ length: bands }, (_, i) => `${bandDim.name}_${i + 1}`) : [v.name];
  if (bandVar) {
    const values = await file.readSlab(bandVar, [0], [bands]);
    const units = textAttr(bandVar.attributes, 'units');
    if (/\bsince\b/i.test(units)) {
      times = decodeTimes(values, units, textAttr(bandVar.attributes, 'calendar'), `${file.source} variable ${bandVar.name}`);
      bandNames = times.map((t) => `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`);
    } else {
      bandNames = Array.from(values, (x) => `${bandDim!.name}=${x}${units ? ` ${units}` : ''}`);
    }
  }

  // Values: fill and missing values are no data; scale_factor and add_offset as GDAL's scale and offset.
  const fill = numberAttr(v.attributes, '_FillValue');
  const missing = v.attributes.missing_value;
  const missingValues = (Array.isArray(missing) ? missing : typeof missing === 'string' && Number.isFinite(Number(missing)) ? [Number(missing)] : [])
    .map((m) => (dataType === 'float32' ? Math.fround(m) : m));
  const fit = (x: number | undefined) => (x === undefined ? undefined : dataType === 'float32' ? Math.fround(x) : x);
  const noData: number | null = fit(fill) ?? missingValues[0] ?? DEFAULT_FILL[dataType] ?? null;
  if (fill === undefined && missingValues.length === 0 && noData !== null) notices.push(`${v.name}: no _FillValue; NetCDF's default fill ${noData} taken as no data, as GDAL takes it`);
  const others = missingValues.filter((m) => m !== noData && !(Number.isNaN(m) && Number.isNaN(noData ?? 0)));
  const scaleAttr = numberAttr(v.attributes, 'scale_factor'), offsetAttr = numberAttr(v.attributes, 'add_offset');
  const transforms = Array.from({ length: bands }, () => ({ scale: scaleAttr ?? 1, offset: offsetAttr ?? 0 }));
  const Type = arrayTypeOf(dataType);
  const bytesPerSample = bytesOf(dataType);

  // Blocks: the chunks (counted from the north when rows are flipped), else strips of rows.
  // a chunk of more than 4 M cells is read in strips of it, so that no block is larger
  const chunkCols = v.chunks ? Math.min(width, v.chunks[rank - 1]) : width;
  const chunkRows = Math.max(1, Math.min(height, v.chunks ? v.chunks[rank - 2] : Infinity, Math.floor((v.chunks ? 4 : 1) * STRIP_CELLS / chunkCols)));
  const rowStarts: number[] = [];
  if (flip && v.chunks) { for (let end = height; end > 0; end -= chunkRows) rowStarts.unshift(Math.max(0, end - chunkRows)); }
  else for (let r = 0; r < height; r += chunkRows) rowStarts.push(r);
  const rowsAt = (i: number) => (i + 1 < rowStarts.length ? rowStarts[i + 1] : height) - rowStarts[i];
  const across = Math.ceil(width / chunkCols), down = rowStarts.length, perBand = across * down;
  const cache = new BlockCache(options.cacheBytes ?? 64 * 2 ** 20);
  const maxReadBytes = options.maxReadBytes ?? 8 * 2 ** 30;

  /** Stored values of a window of one band, north-up, missing values set to the fill (no data). */
  async function readWindow(band: number, x: number, y: number, w: number, h: number): Promise<TypedArray> {
    const fileRow = flip ? height - y - h : y;
    const start = rank === 3 ? [band, fileRow, x] : [fileRow, x];
    const count = rank === 3 ? [1, h, w] : [h, w];
    let values: TypedArray;
    try {
      values = await file.readSlab(v, start, count);
    } catch (err) {
      if (err instanceof FormatError || err instanceof InputError || err instanceof LimitError) throw err;
      throw new FormatError(`band ${band + 1} rows ${y}–${y + h - 1} cannot be read: ${err instanceof Error ? err.message : String(err)}`, name);
    }
    if (flip) {
      const out = new Type(w * h);
      for (let r = 0; r < h; r++) out.set(values.subarray((h - 1 - r) * w, (h - r) * w), r * w);
      values = out;
    }
    if (others.length) {
      const set = new Set(others);
      const nanMissing = others.some(Number.isNaN);
      for (let i = 0; i < values.length; i++) if (set.has(values[i]) || (nanMissing && values[i] !== values[i])) values[i] = noData!;
    }
    return values;
  }

  const jobOf = (band: number, index: number): BlockJob => {
    const by = Math.floor(index / across), bx = index % across;
    const col = bx * chunkCols, row = rowStarts[by];
    return { band, index: band * perBand + index, sample: 0, col, row, cols: Math.min(chunkCols, width - col), rows: rowsAt(by), sparse: false };
  };
  async function blockOf(job: BlockJob): Promise<TypedArray> {
    const key = String(job.index);
    const hit = cache.get(key) as TypedArray | undefined;
    if (hit) return hit;
    const values = await readWindow(job.band, job.col, job.row, job.cols, job.rows);
    cache.set(key, values);
    return values;
  }
  const pickBands = (list: number[] | undefined): number[] => {
    const out = list ?? Array.from({ length: bands }, (_, i) => i);
    if (!Array.isArray(out) || out.length === 0) throw new InputError(invalid('bands', out, 'a non-empty array of 0-based band indexes'), name);
    for (const b of out) if (!Number.isInteger(b) || b < 0 || b >= bands) throw new InputError(invalid('band', b, `0 to ${bands - 1} (0-based)`), name);
    return out;
  };
  const ScaledType = dataType === 'float64' || dataType === 'int32' || dataType === 'uint32' ? Float64Array : Float32Array;

  async function read(opts: ReadOptions = {}): Promise<SampleArray[]> {
    if (opts.overview) throw new InputError(invalid('overview', opts.overview, '0 (NetCDF variables have no overviews)'), name);
    const w = opts.window ?? { x: 0, y: 0, width, height };
    const ok = w && [w.x, w.y, w.width, w.height].every(Number.isInteger) && w.x >= 0 && w.y >= 0 && w.width >= 1 && w.height >= 1 && w.x + w.width <= width && w.y + w.height <= height;
    if (!ok) throw new InputError(invalid('window', JSON.stringify(w), `whole pixels inside the ${width} × ${height} grid`), name);
    const list = pickBands(opts.bands);
    const bytes = w.width * w.height * list.length * (opts.raw ? bytesPerSample : ScaledType.BYTES_PER_ELEMENT);
    if (bytes > maxReadBytes) {
      throw new LimitError(`reading ${w.width} × ${w.height} cells of ${list.length} band(s) needs ${bytes} bytes, more than the maximum of ${maxReadBytes} (option maxReadBytes); read smaller windows`, name);
    }
    const out: SampleArray[] = [];
    for (const band of list) {
      opts.signal?.throwIfAborted();
      const stored = await readWindow(band, w.x, w.y, w.width, w.height);
      out.push(opts.raw ? stored : unscaled(stored, dataType, noData, transforms[band]));
    }
    return out;
  }

  async function valuesAt(points: Point[], opts: ValuesAtOptions = {}): Promise<Float64Array[]> {
    const list = pickBands(opts.bands);
    const out = list.map(() => new Float64Array(points.length).fill(NaN));
    const fromCrs = opts.crs ?? (points.some((p) => 'lon' in p) ? KNOWN_LONLAT : crs!.proj4);
    const converter = fromCrs !== crs!.proj4 ? proj4(fromCrs, crs!.proj4) : null;
    const inverse = invertTransform(transform);
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const xy = 'lon' in p ? [p.lon, p.lat] : [p.x, p.y];
      if (!Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) continue;
      const [x, y] = converter ? converter.forward(xy) : xy;
      const col = Math.floor(inverse.origin_x + x * inverse.pixel_width);
      const row = Math.floor(inverse.origin_y + y * inverse.pixel_height);
      if (!(col >= 0 && row >= 0 && col < width && row < height)) continue;
      let by = rowStarts.length - 1;
      while (rowStarts[by] > row) by--;
      const bx = Math.floor(col / chunkCols);
      for (const [slot, band] of list.entries()) {
        const job = jobOf(band, by * across + bx);
        const block = await blockOf(job);
        const stored = block[(row - job.row) * job.cols + (col - job.col)];
        const t = opts.raw ? RAW : transforms[band];
        out[slot][i] = storedValue(stored, noData ?? NaN, t.scale, t.offset);
      }
    }
    return out;
  }

  const layoutOf = (job: BlockJob): BlockLayout => ({
    compression: 1, predictor: 1, bytesPerSample, floating: dataType === 'float32' || dataType === 'float64', samples: 1,
    width: job.cols, rows: job.rows, littleEndian: true, planar: 2,
  });
  const internals: RasterInternals = {
    blocks(list) {
      return pickBands(list).flatMap((band) => Array.from({ length: perBand }, (_, i) => jobOf(band, i)));
    },
    ...bandTransforms(transforms, pickBands),
    layoutOf: (job) => layoutOf(job),
    async readBlockBytes(job) {
      // a decoded block (h5wasm decodes the chunk; classic files are read by byte range), copied: the pass transfers it
      const values = await readWindow(job.band, job.col, job.row, job.cols, job.rows);
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    },
  };

  const raster = rasterNames({
    source: file.source, variable: v.name, attributes: v.attributes, band_dimension: bandDim?.name ?? null, times,
    width, height, bands, band_names: bandNames,
    band_units: Array.from({ length: bands }, () => textAttr(v.attributes, 'units')),
    class_names: Array.from({ length: bands }, () => null),
    sidecar: null, data_type: dataType, nodata: noData,
    scale: scaleAttr !== undefined ? transforms.map(() => scaleAttr) : null,
    offset: offsetAttr !== undefined ? transforms.map(() => offsetAttr) : null,
    transform, crs: crs.proj4, epsg: crs.epsg, bbox: bboxOf(transform, width, height), overviews: [],
    metadata: Object.fromEntries(Object.entries(file.attributes).map(([k, x]) => [k, Array.isArray(x) ? x.join(',') : x])),
    layout: {
      compression: v.compression, photometric: 'min-is-black', predictor: 1, tiled: v.chunks !== null,
      block_width: chunkCols, block_height: chunkRows, interleave: 'band' as const, little_endian: true, big_tiff: false,
    },
    stats: { requests: 0, bytes: 0 },
    notices,
    read, valuesAt,
    close: () => file.close(),
  }) as unknown as NetcdfRaster;
  return registerBlockAccess(raster, internals);
}
