import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import type { BBox, Raster, Window } from '../geotiff/openRaster.js';
import { cellArea, type CellArea } from '../grid/cellArea.js';
import { lonLatGrid, type LonLatGrid } from '../grid/lonLat.js';
import type { Context, DatasetGrid } from './context.js';
import { VARIABLES, type Variable } from './discover.js';
import { checkMemory } from './memory.js';
import { regionWindow, type GeoJsonArea } from './regions.js';
import { asNumbers } from '../geotiff/metadata.js';
import { withTransform } from '../geotiff/rasterNames.js';

type Table = ReturnType<typeof aq.table>;

/** Options of `ds.table` and `ds.tables`. */
export interface TableOptions {
  /** A named region (`alaska`, `east_siberia`, …) or a GeoJSON polygon in lon/lat. */
  region?: string | GeoJsonArea;
  /** A box in lon/lat degrees (values within ±360) or in the grid's projected metres. */
  bbox?: BBox;
  /** Keep every n-th cell across and down; each kept cell's `area_km2` then stands for n × n cells. Default 1. */
  step?: number;
  /**
   * The same as `step`, said as a cell size: one row per block of about this many km (the step is
   * `cell_km` over the grid's resolution, rounded). `{ cell_km: 10 }` gives the same table on the
   * 1 km product as on the 10 km sample. Default: every cell.
   */
  cell_km?: number;
  /** Read an overview level of the file instead (1 = the first, largest overview); cells then have the overview's size. */
  overview?: number;
  /** Other variables of the same period as extra columns (NaN where they have no data), e.g. `['alt']` beside MAGT. */
  also?: Variable[];
}

/** A dataset's state as the table verbs need it. */
export interface TableContext extends Context {
  overviewGrids: Map<number, { grid: DatasetGrid; area: CellArea; lonlat: LonLatGrid }>;
  synthetic: boolean;
}

/** Bytes per row of a table: x_m, y_m (Float64), lon, lat, area_km2, the value and each extra (Float32). */
const ROW_BYTES = 16 + 12 + 4;

/**
 * One period of one variable as an Arquero table, one row per cell with data: `x_m`, `y_m`
 * (Float64, cell centre in the grid's CRS), `lon`, `lat`, `area_km2` (Float32) and the value
 * (`magt_c`, `alt_cm`: Float32; `permafrost`: Uint8 for presence, Float32 for fractions and classes).
 * The rows it would hold are estimated first: a table too large for memory is refused with a
 * `LimitError` that names the alternatives (a region, a bbox, a step or cell size, a streaming verb).
 */
export async function table(ctx: TableContext, variable: Variable, period: string, options: TableOptions = {}): Promise<Table> {
  const { raster, band } = ctx.slotOf(variable, period);
  const step = stepOf(ctx, options);
  const level = options.overview ?? 0;
  if (!Number.isInteger(level) || level < 0) throw new InputError(invalid('overview', level, 'a whole number ≥ 0'));
  const { grid, area: cellAreas, lonlat } = gridOf(ctx, raster, level);
  const also = (options.also ?? []).filter((v) => v !== variable);
  for (const v of also) if (!ctx.variables.includes(v)) throw new InputError(invalid('also', v, ctx.variables.join(', ')), ctx.where);
  estimate(ctx, grid, options, step, 1 + also.length, 1, `the ${variable} table of ${period}`);
  const { window, mask, box } = selection(options, grid);
  const extra = also.map((v) => ({ v, ...ctx.slotOf(v, period) }));
  const capacity = Math.ceil(window.width / step) * Math.ceil(window.height / step);
  const columns = new Columns(Math.min(capacity, 1 << 20), 1 + extra.length);
  const t = grid.transform;
  const noData = raster.noData;
  const lonRow = new Float64Array(window.width);
  const latRow = new Float64Array(window.width);
  const areaRow = new Float64Array(window.width);
  const strip = Math.max(step, Math.floor(256 / step) * step);
  for (let y0 = window.y; y0 < window.y + window.height; y0 += strip) {
    const height = Math.min(strip, window.y + window.height - y0);
    const readWindow = { x: window.x, y: y0, width: window.width, height };
    const [values] = asNumbers(await raster.read({ window: readWindow, bands: [band], overview: level }));
    const extraValues = await Promise.all(extra.map(async (e) => asNumbers(await e.raster.read({ window: readWindow, bands: [e.band], overview: level }))[0]));
    for (let r = 0; r < height; r++) {
      const row = y0 + r;
      if ((row - window.y) % step) continue;
      lonlat.row(row, window.x, window.width, lonRow, latRow);
      cellAreas.row(row, window.x, window.width, areaRow);
      const yc = t.originY + (row + 0.5) * t.pixelHeight;
      for (let c = 0; c < window.width; c += step) {
        const v = values[r * window.width + c];
        if (v !== v || v === noData) continue;
        const col = window.x + c;
        if (mask && !mask[row * grid.width + col]) continue;
        const xc = t.originX + (col + 0.5) * t.pixelWidth;
        if (box && !box(lonRow[c], latRow[c], xc, yc)) continue;
        columns.push(xc, yc, lonRow[c], latRow[c], areaRow[c] * step * step, v);
        extra.forEach((e, k) => { const w = extraValues[k][r * window.width + c]; columns.extra(k, w === e.raster.noData ? NaN : w); });
      }
    }
  }
  const presence = variable === 'permafrost' && (ctx.frozen?.mode ?? 1) === 1;
  const n = columns.length;
  return aq.table({
    x_m: columns.x.subarray(0, n), y_m: columns.y.subarray(0, n), lon: columns.lon.subarray(0, n), lat: columns.lat.subarray(0, n),
    area_km2: columns.area.subarray(0, n),
    [VARIABLES[variable].column]: presence ? Uint8Array.from(columns.values[0].subarray(0, n)) : columns.values[0].subarray(0, n),
    ...Object.fromEntries(extra.map((e, k) => [VARIABLES[e.v].column, columns.values[k + 1].subarray(0, n)])),
  });
}

/** All periods of one variable as one long table, with `period` and `mid_year` (memory estimated first, as `table`). */
export async function tables(ctx: TableContext, variable: Variable, options: TableOptions = {}): Promise<Table> {
  const step = stepOf(ctx, options);
  const { raster } = ctx.slotOf(variable, ctx.periods[0].label);
  const { grid } = gridOf(ctx, raster, options.overview ?? 0);
  estimate(ctx, grid, options, step, 1 + (options.also?.length ?? 0), ctx.periods.length, `the ${variable} table of all ${ctx.periods.length} periods`);
  const parts: Table[] = [];
  for (const p of ctx.periods) {
    const t = await table(ctx, variable, p.label, options);
    parts.push(t.assign({ period: new Array(t.numRows()).fill(p.label), mid_year: new Float64Array(t.numRows()).fill(p.mid_year) }));
  }
  return parts.length === 1 ? parts[0] : parts[0].concat(...parts.slice(1));
}

function stepOf(ctx: Context, options: TableOptions): number {
  if (options.cell_km !== undefined) {
    if (!(options.cell_km > 0)) throw new InputError(invalid('cell_km', options.cell_km, 'a size in km > 0'));
    if (options.step !== undefined) throw new InputError('give step or cell_km, not both');
    return Math.max(1, Math.round((options.cell_km * 1000) / ctx.grid.resolution_m));
  }
  const step = options.step ?? 1;
  if (!Number.isInteger(step) || step < 1) throw new InputError(invalid('step', step, 'a whole number ≥ 1'));
  return step;
}

/** Refuses a table whose rows (land cells of the window, every `step`-th) would not fit in memory. */
function estimate(ctx: Context, grid: DatasetGrid, options: TableOptions, step: number, values: number, periods: number, what: string): void {
  // land is about 40 % of a pan-Arctic grid; a region or box is smaller still (bounded above by the full grid)
  const share = options.region !== undefined || options.bbox !== undefined ? 0.4 : 0.45;
  const rows = (grid.width * grid.height * share) / (step * step) * periods;
  const bytes = rows * (ROW_BYTES + 4 * values + (periods > 1 ? 24 : 0)) * 1.5;
  const suggested = Math.max(2, Math.ceil(Math.sqrt(bytes / (0.25 * Math.max(1, bytes / rows)))) );
  checkMemory(bytes, `${what} (about ${Math.round(rows).toLocaleString('en-US')} rows)`,
    `take a region ({ region: 'alaska' }) or a box ({ bbox }), fewer cells ({ cell_km: ${Math.max(5, Math.round(ctx.grid.resolution_m / 1000) * 10)} } or { step: ${Math.max(2, Math.round(suggested / 1e3))} }), ` +
    'or a streaming verb: ds.summarize (means, quantiles, areas), ds.histogram (distributions), ds.layer(…, { max_cells_across }) (maps)');
}

/** Growable typed columns. */
class Columns {
  x: Float64Array; y: Float64Array; lon: Float32Array; lat: Float32Array; area: Float32Array; values: Float32Array[];
  length = 0;
  constructor(private capacity: number, count: number) {
    this.x = new Float64Array(capacity); this.y = new Float64Array(capacity);
    this.lon = new Float32Array(capacity); this.lat = new Float32Array(capacity); this.area = new Float32Array(capacity);
    this.values = Array.from({ length: count }, () => new Float32Array(capacity));
  }
  push(x: number, y: number, lon: number, lat: number, area: number, value: number): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.x[i] = x; this.y[i] = y; this.lon[i] = lon; this.lat[i] = lat; this.area[i] = area; this.values[0][i] = value;
  }
  extra(k: number, value: number): void { this.values[k + 1][this.length - 1] = value; }
  private grow(): void {
    this.capacity = Math.max(16, this.capacity * 2);
    const more = <T extends Float32Array | Float64Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(this.capacity); b.set(a); return b; };
    this.x = more(this.x); this.y = more(this.y); this.lon = more(this.lon); this.lat = more(this.lat); this.area = more(this.area);
    this.values = this.values.map(more);
  }
}

/** The window and cell filter for table options. */
function selection(options: TableOptions, grid: DatasetGrid): { window: Window; mask: Uint8Array | null; box: ((lon: number, lat: number, x: number, y: number) => boolean) | null } {
  let window: Window = { x: 0, y: 0, width: grid.width, height: grid.height };
  let mask: Uint8Array | null = null;
  let box: ((lon: number, lat: number, x: number, y: number) => boolean) | null = null;
  if (options.region !== undefined) {
    // a region with no cell on the grid is an error naming those that have some, never an empty table
    const { mask: m, ...bounds } = regionWindow(grid, options.region);
    mask = m;
    window = bounds;
  }
  if (options.bbox) {
    const b = options.bbox;
    if (![b.west, b.south, b.east, b.north].every(Number.isFinite)) throw new InputError(invalid('bbox', JSON.stringify(b), '{ west, south, east, north } numbers'));
    const degrees = [b.west, b.east].every((v) => Math.abs(v) <= 360) && [b.south, b.north].every((v) => Math.abs(v) <= 90);
    if (degrees) {
      const wraps = b.west > b.east;
      box = (lon, lat) => lat >= b.south && lat <= b.north && (wraps ? lon >= b.west || lon <= b.east : lon >= b.west && lon <= b.east);
    } else {
      box = (_lon, _lat, x, y) => x >= b.west && x <= b.east && y >= b.south && y <= b.north;
      const t = grid.transform;
      const c0 = Math.max(0, Math.floor((b.west - t.originX) / t.pixelWidth));
      const c1 = Math.min(grid.width, Math.ceil((b.east - t.originX) / t.pixelWidth));
      const r0 = Math.max(0, Math.floor((b.north - t.originY) / t.pixelHeight));
      const r1 = Math.min(grid.height, Math.ceil((b.south - t.originY) / t.pixelHeight));
      const x = Math.max(window.x, c0), y = Math.max(window.y, r0);
      const x1 = Math.min(window.x + window.width, c1), y1 = Math.min(window.y + window.height, r1);
      window = { x, y, width: Math.max(1, x1 - x), height: Math.max(1, y1 - y) };
    }
  }
  return { window, mask, box };
}

/** The grid of an overview level (the same extent in fewer, larger cells), with its areas and coordinates. */
function gridOf(ctx: TableContext, raster: Raster, level: number): { grid: DatasetGrid; area: CellArea; lonlat: LonLatGrid } {
  if (level === 0) return { grid: ctx.grid, area: ctx.areas(), lonlat: ctx.lonLats() };
  const hit = ctx.overviewGrids.get(level);
  if (hit) return hit;
  const o = raster.overviews[level - 1];
  if (!o) throw new InputError(invalid('overview', level, raster.overviews.length ? `1 to ${raster.overviews.length}` : '0 (the files have no overviews)'), ctx.where);
  const { grid } = ctx;
  const t = grid.transform;
  const g: DatasetGrid = { ...grid, width: o.width, height: o.height, resolution_m: grid.resolution_m * (grid.width / o.width),
    transform: withTransform(t, { pixel_width: (t.pixel_width * grid.width) / o.width, pixel_height: (t.pixel_height * grid.height) / o.height }) };
  const entry = { grid: g, area: cellArea(g), lonlat: lonLatGrid(g) };
  ctx.overviewGrids.set(level, entry);
  return entry;
}
