import * as aq from 'arquero';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, InputError, invalid } from '../errors.js';
import { openRaster, RASTER_INTERNALS, type BBox, type Raster, type RasterInternals, type Transform, type Window } from '../geotiff/openRaster.js';
import { forEachPlace } from '../stats/forEachPlace.js';
import { protectFolder } from '../guard.js';
import type { GroupPartial, GroupSpec } from '../geotiff/decodeWorker.js';
import { decodePool } from '../geotiff/workerPool.js';
import type { TypedArray } from '../geotiff/metadata.js';
import { cellArea, type CellArea } from '../grid/cellArea.js';
import { lonLatGrid, type LonLatGrid } from '../grid/lonLat.js';
import { mapArray } from '../grid/mapArray.js';
import { benjaminiHochberg } from '../stats/trend.js';
import { trendCells } from '../stats/trendKernel.js';
import { checkMemory } from './memory.js';
import { altUnitFactor, permafrostCoding as detectCoding, probeValues, type PermafrostCoding } from './coding.js';
import { frozenShare } from '../stats/frozenShare.js';
import { discoverLayout, VARIABLES, type Layout, type Variable } from './discover.js';
import { internalsOf, type Context, type DatasetGrid } from './context.js';
import { table as tableOf, tables as tablesOf, type TableContext, type TableOptions } from './table.js';
import { change as changeOf, type ChangeResult } from './change.js';
import { layer as layerOf, type Layer, type LayerOptions } from './layer.js';
import { zonation as zonationOf, ZONES, type ZonationOptions, type ZonationResult } from './zonation.js';

export { ZONES, type TableOptions, type ChangeResult, type DatasetGrid, type Layer, type LayerOptions, type ZonationOptions, type ZonationResult };
import { PRODUCT_PERIODS, parsePeriod, type Period } from './periods.js';
import { regionLabels, regionMask, REGIONS, type GeoJsonArea } from './regions.js';

type Table = ReturnType<typeof aq.table>;

/** Options for {@link openDataset}. */
export interface OpenDatasetOptions {
  /** Extra HTTP headers for remote files. */
  headers?: Record<string, string>;
}

/** Options of `ds.summarize`. */
export interface SummarizeOptions {
  /**
   * Grouping: any of `period`, `region`, `lat_band`. Default `['period']`. Without `period`,
   * values pool over all periods and areas are averages over the periods.
   */
  by?: ('period' | 'region' | 'lat_band')[];
  /** Variables to summarize. Default: all the dataset has. */
  variables?: Variable[];
  /** Width of latitude bands in degrees (1 or 5 usually). Default 5. */
  lat_band_deg?: number;
  onProgress?: (fraction: number) => void;
}

/** Options of `ds.sample`. */
export interface SampleOptions {
  variable: Variable;
  /** One period (a column `magt_c`), or all periods (a long table with `period` and `mid_year`). */
  period?: string;
  /** `nearest` (default) or `bilinear`. */
  method?: 'nearest' | 'bilinear';
  /** Points in cells without data snap to the nearest valid cell within this distance. Default 0 (no snapping). */
  search_km?: number;
}

/** Options of `ds.trend`. */
export interface TrendOptions {
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** Control the false discovery rate (Benjamini–Hochberg) over all cells instead of testing each at alpha. Default false. */
  fdr?: boolean;
}

/** Per-cell trends over the periods, as rasters on the dataset's grid. */
export interface TrendResult {
  variable: Variable;
  /** Sen's slope per decade (NaN where there is no data). */
  slope_per_decade: Float32Array;
  /** Mann–Kendall two-sided p-value. */
  p_value: Float32Array;
  /** 1 where significant (at alpha, or under the FDR when asked). */
  significant: Uint8Array;
  alpha: number;
  fdr: boolean;
  grid: DatasetGrid;
  /** Area (km²) with data, with a significant increase, with a significant decrease. */
  area_km2: { valid: number; increasing: number; decreasing: number };
}

/** An opened product (or the sample): its variables, periods and grid, and what to do with them. */
export interface Dataset {
  source: string;
  /** True when the files say they are the synthetic sample. */
  synthetic: boolean;
  variables: Variable[];
  periods: Period[];
  grid: DatasetGrid;
  /** How the layout was recognised. */
  layout: string;
  files: string[];
  /**
   * What was assumed while opening, one sentence each: unnamed bands taken as the eight periods,
   * ALT converted from metres, how the permafrost layer codes permafrost. Empty when nothing was.
   */
  notices: string[];
  /** How the permafrost layer codes permafrost (null without one). */
  permafrostCoding: PermafrostCoding | null;
  /** Per file: which variable and periods it was taken for, and from what (band descriptions, file name, band count, manifest). */
  sources: Record<string, string>;
  /** One period of one variable as an Arquero table: x_m, y_m, lon, lat, area_km2 and the value. */
  table(variable: Variable, period: string, options?: TableOptions): Promise<Table>;
  /** All periods of one variable as one long table, with `period` and `mid_year`. */
  tables(variable: Variable, options?: TableOptions): Promise<Table>;
  /** Area-weighted statistics by period, region and/or latitude band, one row per group. */
  summarize(options?: SummarizeOptions): Promise<Table>;
  /** Values at lon/lat points (an Arquero table or an array of objects with lon and lat). */
  sample(points: Table | Record<string, unknown>[], options: SampleOptions): Promise<Table>;
  /** Per-cell Sen's slope and Mann–Kendall test over the periods. */
  trend(variable: Variable, options?: TrendOptions): Promise<TrendResult>;
  /** The difference `to − from` of one variable between two periods, with its area-weighted summary. */
  change(variable: Variable, from: string, to: string): Promise<ChangeResult>;
  /** Permafrost zones (continuous, discontinuous, sporadic, isolated) from the permafrost fraction in coarser windows. */
  zonation(period: string, options?: ZonationOptions): Promise<ZonationResult>;
  /**
   * One variable and period as a grid (NaN where there is no data), ready for `mapFigure`: the
   * full grid, or with `{ max_cells }` block means streamed to at most that many cells across.
   */
  layer(variable: Variable, period: string, options?: LayerOptions): Promise<Layer>;
  /** The raster and band holding a variable and period. */
  raster(variable: Variable, period: string): { raster: Raster; band: number };
  close(): Promise<void>;
}

/** The embedded sample's folder: `data/sample` of this package. */
export function sampleFolder(): string {
  return fileURLToPath(new URL('../../data/sample', import.meta.url));
}

/**
 * Opens a product folder, a `dataset.json` manifest, or (with no source) `$PERMAFROST_DATA`, else
 * the synthetic sample. Recognises the layouts of DOMAIN.md, checks that all grids align, and
 * refuses with a message listing the files it saw what it cannot understand.
 * @example const ds = await openDataset(); ds.periods.map((p) => p.label)
 */
export async function openDataset(source?: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const where = source ?? process.env.PERMAFROST_DATA ?? sampleFolder();
  const remote = /^https?:\/\//i.test(where);
  if (!remote && !source && !process.env.PERMAFROST_DATA && !existsSync(where)) {
    throw new InputError(`the sample is not there (${where}): run \`npm run setup\` or \`permafrost-lab sample\``);
  }
  const rasters = new Map<string, Raster>();
  const open = async (file: string) => {
    let r = rasters.get(file);
    if (!r) { r = await openRaster(file, { headers: options.headers }); rasters.set(file, r); }
    return r;
  };
  let layout: Layout;
  try {
    layout = await discoverLayout(where, async (file) => { const r = await open(file); return { bands: r.bands, bandNames: r.bandNames }; }, { headers: options.headers });
    for (const slots of layout.variables.values()) for (const slot of slots.values()) await open(slot.file);
  } catch (err) {
    await Promise.all([...rasters.values()].map((r) => r.close()));
    throw err;
  }
  protectFolder(layout.folder);
  const first = [...rasters.values()][0];
  for (const [file, r] of rasters) {
    const same = r.width === first.width && r.height === first.height && r.crs === first.crs &&
      (['originX', 'originY', 'pixelWidth', 'pixelHeight'] as const).every((k) => Math.abs(r.transform[k] - first.transform[k]) <= 1e-6 * Math.abs(first.transform.pixelWidth));
    if (!same) {
      await Promise.all([...rasters.values()].map((x) => x.close()));
      throw new FormatError(`grids do not align: ${basename(file)} is ${r.width} × ${r.height} from (${r.transform.originX}, ${r.transform.originY}) at ${r.transform.pixelWidth} m, ` +
        `${basename(first.source)} is ${first.width} × ${first.height} from (${first.transform.originX}, ${first.transform.originY}) at ${first.transform.pixelWidth} m` +
        `${r.crs !== first.crs ? `; CRS ${r.crs} vs ${first.crs}` : ''}`, where);
    }
  }
  const grid: DatasetGrid = {
    width: first.width, height: first.height, transform: first.transform, crs: first.crs, epsg: first.epsg,
    resolution_m: Math.abs(first.transform.pixelWidth), bbox: first.bbox,
  };
  const labels = [...new Set([...layout.variables.values()].flatMap((s) => [...s.keys()]))].sort();
  const periods = labels.map((l) => parsePeriod(l)!);
  const variables = (Object.keys(VARIABLES) as Variable[]).filter((v) => layout.variables.has(v));
  const synthetic = [...rasters.values()].some((r) => /synthetic/i.test(r.metadata.SYNTHETIC ?? ''));
  const notices = [...layout.notices];
  // ALT in metres becomes cm, said once; scaled integers are unscaled by the reader, said here.
  for (const [file, r] of rasters) {
    if (r.scale?.some((k) => k !== 1) || r.offset?.some((k) => k !== 0)) {
      notices.push(`${basename(file)}: ${r.dataType} values with scale ${r.scale?.[0] ?? 1} and offset ${r.offset?.[0] ?? 0}: unscaled on every read (stored × scale + offset)`);
    }
  }
  const altSlots = layout.variables.get('alt');
  if (altSlots) {
    const first = [...altSlots.values()][0];
    const raster = rasters.get(first.file)!;
    const { factor, note } = altUnitFactor(await probeValues(raster, first.band), raster.bandUnits[first.band] ?? '');
    if (factor !== 1) {
      for (const slot of altSlots.values()) internalsOf(rasters.get(slot.file)!).convertUnits(slot.band, factor);
      notices.push(note!);
    }
  }
  let coding: PermafrostCoding | null = null;
  const pfSlots = layout.variables.get('permafrost');
  if (pfSlots) {
    const first = [...pfSlots.values()][0];
    const raster = rasters.get(first.file)!;
    coding = detectCoding(await probeValues(raster, first.band), raster.bandNames[first.band] ?? '', raster.bandUnits[first.band] ?? '');
    notices.push(`permafrost: ${coding.note}`);
  }
  const pfTable = coding?.table ?? [];
  const pfMode = (coding?.kind === 'classes' ? 4 : coding?.kind === 'fraction' || coding?.kind === 'percent' ? 3 : 1) as 1 | 3 | 4;
  const pfScale = coding?.kind === 'percent' ? 0.01 : 1;
  /** The share of a cell that is permafrost, for a value of `variable` (permafrost coding, or MAGT below 0). */
  const shareOf = (variable: Variable) => (variable === 'permafrost' ? (v: number) => frozenShare(v, pfMode, pfScale, pfTable) : (v: number) => (v < 0 ? 1 : 0));
  let area: CellArea | undefined;
  let lonlat: LonLatGrid | undefined;
  const areas = () => (area ??= cellArea(grid));
  const lonLats = () => (lonlat ??= lonLatGrid(grid));

  const slotOf = (variable: Variable, period: string) => {
    const slots = layout.variables.get(variable);
    if (!slots) throw new InputError(invalid('variable', variable, variables.join(', ')), where);
    const label = parsePeriod(period)?.label ?? period;
    const slot = slots.get(label);
    if (!slot) throw new InputError(invalid('period', period, labels.join(', ')), where);
    return { raster: rasters.get(slot.file)!, band: slot.band };
  };

  const ctx: Context = { grid, periods, variables, slotOf, lonLats, areas, where, frozen: { mode: pfMode, scale: pfScale, table: pfTable }, shareOf };

  const tableCtx: TableContext = { ...ctx, overviewGrids: new Map(), synthetic };
  const table = (variable: Variable, period: string, options: TableOptions = {}) => tableOf(tableCtx, variable, period, options);
  const tables = (variable: Variable, options: TableOptions = {}) => tablesOf(tableCtx, variable, options);

  async function summarize(options: SummarizeOptions = {}): Promise<Table> {
    return summarizeDataset({ ...ctx, variables: options.variables ?? variables }, options);
  }

  async function sample(points: Table | Record<string, unknown>[], options: SampleOptions): Promise<Table> {
    return samplePoints(ctx, points, options);
  }

  async function trend(variable: Variable, options: TrendOptions = {}): Promise<TrendResult> {
    const alpha = options.alpha ?? 0.05;
    if (!(alpha > 0 && alpha < 1)) throw new InputError(invalid('alpha', alpha, 'between 0 and 1'));
    if (!variables.includes(variable)) throw new InputError(invalid('variable', variable, variables.join(', ')), where);
    const n = grid.width * grid.height;
    checkMemory(n * 9, `the trend rasters of ${variable} (slope, p-value and significance for ${n.toLocaleString('en-US')} cells)`,
      'use a coarser grid (an overview) or a smaller region of the product');
    const slope = new Float32Array(n).fill(NaN);
    const pValue = new Float32Array(n).fill(NaN);
    const years = periods.map((p) => p.mid_year);
    const slots = periods.map((p) => slotOf(variable, p.label));
    const perDecade = (block: Float32Array) => { for (let i = 0; i < block.length; i++) block[i] *= 10; };
    if (slots.every((s) => s.raster === slots[0].raster)) {
      // one file: each place's blocks (all periods) decoded once on the workers, trends computed there
      const raster = slots[0].raster;
      const internals = internalsOf(raster);
      const pool = decodePool();
      const jobs = internals.blocks(slots.map((s) => s.band));
      await forEachPlace(internals, jobs, pool.size * 2, async (stored, blobs, blobOf) => {
        const first = stored[0];
        // periods in order; a period whose block was never written (blob −1) is all no data
        const parts = slots.map((s) => {
          const i = stored.findIndex((j) => j.band === s.band);
          return i < 0 ? { blob: -1, sample: 0, scale: 1, offset: 0 } : { blob: blobOf[i], sample: stored[i].sample, ...internals.valueTransform(s.band) };
        });
        const { slope: s, p } = await pool.trend(blobs, parts, internals.layoutOf(first), {
          grid: { width: grid.width, height: grid.height, transform: grid.transform, crs: grid.crs }, dataType: raster.dataType, noData: raster.noData,
          col: first.col, row: first.row, cols: first.cols, rows: first.rows,
        }, years);
        perDecade(s);
        for (let r = 0; r < first.rows; r++) {
          slope.set(s.subarray(r * first.cols, (r + 1) * first.cols), (first.row + r) * grid.width + first.col);
          pValue.set(p.subarray(r * first.cols, (r + 1) * first.cols), (first.row + r) * grid.width + first.col);
        }
      }, { where });
    } else {
      // a file per period: windows of rows, all periods read, trends on this thread
      for (let y0 = 0; y0 < grid.height; y0 += 256) {
        const height = Math.min(256, grid.height - y0);
        const window = { x: 0, y: y0, width: grid.width, height };
        const series = await Promise.all(slots.map(async ({ raster, band }) => {
          const [values] = await raster.read({ window, bands: [band] });
          return Float64Array.from(values as ArrayLike<number>, (v) => (v === raster.noData ? NaN : v));
        }));
        const cells = grid.width * height;
        const s = new Float32Array(cells), p = new Float32Array(cells);
        trendCells(series, years, cells, s, p);
        perDecade(s);
        slope.set(s, y0 * grid.width);
        pValue.set(p, y0 * grid.width);
      }
    }
    const significant = options.fdr ? benjaminiHochberg(pValue, alpha) : mapArray(pValue, Uint8Array, (p) => (p < alpha ? 1 : 0));
    const areaRow = new Float64Array(grid.width);
    const totals = { valid: 0, increasing: 0, decreasing: 0 };
    for (let row = 0; row < grid.height; row++) {
      areas().row(row, 0, grid.width, areaRow);
      for (let c = 0; c < grid.width; c++) {
        const i = row * grid.width + c;
        if (slope[i] !== slope[i]) continue;
        totals.valid += areaRow[c];
        if (significant[i]) { if (slope[i] > 0) totals.increasing += areaRow[c]; else if (slope[i] < 0) totals.decreasing += areaRow[c]; }
      }
    }
    return { variable, slope_per_decade: slope, p_value: pValue, significant, alpha, fdr: !!options.fdr, grid, area_km2: totals };
  }

  return {
    source: where, synthetic, variables, periods, grid, layout: layout.how, files: [...rasters.keys()], notices, permafrostCoding: coding,
    sources: Object.fromEntries(layout.sources),
    table, tables, summarize, sample, trend,
    layer: (variable, period, options) => layerOf(ctx, variable, period, options),
    change: (variable, from, to) => changeOf(ctx, variable, from, to),
    zonation: (period, options) => zonationOf(ctx, period, options),
    raster: slotOf,
    close: async () => { await Promise.all([...rasters.values()].map((r) => r.close())); },
  };
}

/** Histogram resolution for quantiles, per variable: [lowest, highest, bin width]. */
const BINS: Record<Variable, [number, number, number]> = { magt: [-60, 40, 0.01], alt: [0, 3000, 0.1], permafrost: [0, 2, 1] };

async function summarizeDataset(ctx: Context, options: SummarizeOptions): Promise<Table> {
  const by = options.by ?? ['period'];
  for (const b of by) if (!['period', 'region', 'lat_band'].includes(b)) throw new InputError(invalid('by', b, 'period, region, lat_band'));
  const bandDeg = options.lat_band_deg ?? 5;
  if (!(bandDeg > 0 && bandDeg <= 90)) throw new InputError(invalid('lat_band_deg', bandDeg, 'degrees between 0 and 90'));
  for (const v of options.variables ?? []) if (!ctx.variables.includes(v)) throw new InputError(invalid('variable', v, ctx.variables.join(', ')), ctx.where);
  const variables = options.variables ?? ctx.variables;
  const { grid } = ctx;
  const byRegion = by.includes('region');
  const byBand = by.includes('lat_band');
  const byPeriod = by.includes('period');
  const bandCount = Math.ceil(180 / bandDeg);
  const groupCount = (byRegion ? REGIONS.length + 1 : 1) * (byBand ? bandCount : 1);
  const periodKeys = byPeriod ? ctx.periods.map((p) => p.label) : ['all'];
  // Without grouping by period, values pool over all periods and areas are period averages.
  const perPeriod = byPeriod ? 1 : 1 / ctx.periods.length;

  const partials = new Map<string, GroupPartial>(); // key `${variable}|${periodKey}`
  const labelGrid = byRegion || byBand ? groupLabels(ctx, byRegion, byBand, bandDeg, bandCount, true) : null;
  for (const variable of variables) {
    const [lo, hi, width] = BINS[variable];
    const bins = Math.ceil((hi - lo) / width) + 1;
    const frozen: Frozen = variable === 'permafrost' ? { frozen: ctx.frozen?.mode ?? 1, frozenScale: ctx.frozen?.scale, frozenTable: ctx.frozen?.table }
      : { frozen: variable === 'magt' ? 2 : 0 };
    const keys = periodKeys.map((k) => `${variable}|${k}`);
    const found = await accumulateOnWorkers(ctx, variable, byPeriod, labelGrid, groupCount, lo, width, bins, frozen, perPeriod, options.onProgress);
    keys.forEach((k) => { const part = found.get(k); if (part) partials.set(k, part); });
  }

  // One row per (period, group) with cells.
  const rows: Record<string, unknown>[] = [];
  const groupName = (g: number) => {
    const out: Record<string, unknown> = {};
    if (byRegion) { const r = byBand ? Math.floor(g / bandCount) : g; out.region = r === 0 ? 'other' : REGIONS[r - 1].id; }
    if (byBand) { const b = g % bandCount; out.lat_band = `${-90 + b * bandDeg}-${-90 + (b + 1) * bandDeg}`; }
    return out;
  };
  for (const periodKey of periodKeys) {
    const period = ctx.periods.find((p) => p.label === periodKey);
    for (let g = 0; g < groupCount; g++) {
      const row: Record<string, unknown> = {};
      if (byPeriod) { row.period = periodKey; row.mid_year = period!.mid_year; }
      Object.assign(row, groupName(g));
      let any = false;
      for (const variable of variables) {
        const a = partials.get(`${variable}|${periodKey}`);
        const column = VARIABLES[variable].column;
        if (!a || a.cells[g] === 0) continue;
        any = true;
        const [lo, hi, width] = BINS[variable];
        const bins = Math.ceil((hi - lo) / width) + 1;
        const q = quantiles(a.hist.subarray(g * bins, (g + 1) * bins), a.w[g], lo, width, [0.1, 0.5, 0.9]);
        if (variable !== 'permafrost') {
          Object.assign(row, {
            [`${column}_mean`]: a.mean[g], [`${column}_sd`]: Math.sqrt(Math.max(0, a.m2[g] / a.w[g])),
            [`${column}_min`]: a.min[g], [`${column}_max`]: a.max[g],
            [`${column}_p10`]: q[0], [`${column}_p50`]: q[1], [`${column}_p90`]: q[2], [`${column}_valid_area_km2`]: a.w[g],
          });
        }
        if (variable === 'permafrost' || (variable === 'magt' && !variables.includes('permafrost'))) row.permafrost_area_km2 = a.pf[g];
        if (variable === 'permafrost') row.permafrost_valid_area_km2 = a.w[g];
      }
      if (any) rows.push(row);
    }
  }
  return aq.from(rows);
}

const labelCache = new Map<string, Uint16Array>();

/** Group index of every cell: region label × latitude band; in shared memory when workers read it. */
function groupLabels(ctx: Context, byRegion: boolean, byBand: boolean, bandDeg: number, bandCount: number, shared: boolean): Uint16Array {
  const { grid } = ctx;
  const key = JSON.stringify([grid.width, grid.height, grid.transform, grid.crs, byRegion, byBand, bandDeg, shared]);
  const hit = labelCache.get(key);
  if (hit) return hit;
  const n = grid.width * grid.height;
  const labels = shared ? new Uint16Array(new SharedArrayBuffer(n * 2)) : new Uint16Array(n);
  const regions = byRegion ? regionLabels(grid).labels : null;
  const lon = new Float64Array(grid.width);
  const lat = new Float64Array(grid.width);
  for (let row = 0; row < grid.height; row++) {
    if (byBand) ctx.lonLats().row(row, 0, grid.width, lon, lat);
    const base = row * grid.width;
    for (let c = 0; c < grid.width; c++) {
      let g = regions ? regions[base + c] : 0;
      if (byBand) g = g * bandCount + Math.min(bandCount - 1, Math.floor((lat[c] + 90) / bandDeg));
      labels[base + c] = g;
    }
  }
  labelCache.set(key, labels);
  return labels;
}

/** The periods' blocks of one variable, decoded and accumulated on the workers, then merged. */
async function accumulateOnWorkers(ctx: Context, variable: Variable, byPeriod: boolean, labels: Uint16Array | null, groups: number,
  lo: number, width: number, bins: number, frozen: Frozen, factor: number, onProgress?: (f: number) => void): Promise<Map<string, GroupPartial>> {
  const pool = decodePool();
  const { grid } = ctx;
  const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`; // keys unique to this call
  const keyOf = (period: string) => `${variable}|${byPeriod ? period : 'all'}`;
  // bands of each file, with the key each one adds to
  const byFile = new Map<Raster, Map<number, string>>();
  for (const p of ctx.periods) {
    const { raster, band } = ctx.slotOf(variable, p.label);
    const bands = byFile.get(raster) ?? new Map<number, string>();
    bands.set(band, `${run}|${keyOf(p.label)}`);
    byFile.set(raster, bands);
  }
  const total = [...byFile].reduce((n, [raster, bands]) => n + internalsOf(raster).blocks([...bands.keys()]).length, 0);
  let before = 0;
  for (const [raster, bands] of byFile) {
    const internals = internalsOf(raster);
    const jobs = internals.blocks([...bands.keys()]);
    await forEachPlace(internals, jobs, pool.size * 3, (stored, blobs, blobOf) => {
      const first = stored[0];
      const parts = stored.map((job, i) => ({ blob: blobOf[i], sample: job.sample, key: bands.get(job.band)!, ...internals.valueTransform(job.band) }));
      return pool.accumulate(blobs, parts, internals.layoutOf(first), {
        grid: { width: grid.width, height: grid.height, transform: grid.transform, crs: grid.crs }, dataType: raster.dataType, noData: raster.noData,
        col: first.col, row: first.row, cols: first.cols, rows: first.rows,
      }, { labels, groups, lo, width, bins, ...frozen, factor });
    }, { onProgress: (done) => onProgress?.((before + done) / Math.max(total, 1)) });
    before += jobs.length;
  }
  const keys = [...new Set([...byFile.values()].flatMap((m) => [...m.values()]))];
  const fromWorkers = await pool.collect(keys);
  const out = new Map<string, GroupPartial>();
  for (const key of keys) {
    const merged = fromWorkers.map((w) => w[key]).filter((x): x is GroupPartial => !!x).reduce(mergePartials, null as GroupPartial | null);
    if (merged) out.set(key.slice(run.length + 1), merged);
  }
  return out;
}

/** Merges two partial summaries group by group (Chan's update for mean and M2). */
function mergePartials(a: GroupPartial | null, b: GroupPartial): GroupPartial {
  if (!a) return b;
  for (let g = 0; g < a.w.length; g++) {
    const wa = a.w[g], wb = b.w[g];
    if (wb === 0) continue;
    if (wa === 0) { a.w[g] = wb; a.mean[g] = b.mean[g]; a.m2[g] = b.m2[g]; }
    else {
      const w = wa + wb;
      const delta = b.mean[g] - a.mean[g];
      a.mean[g] += (delta * wb) / w;
      a.m2[g] += b.m2[g] + (delta * delta * wa * wb) / w;
      a.w[g] = w;
    }
    a.min[g] = Math.min(a.min[g], b.min[g]);
    a.max[g] = Math.max(a.max[g], b.max[g]);
    a.cells[g] += b.cells[g];
    a.pf[g] += b.pf[g];
  }
  for (let i = 0; i < a.hist.length; i++) a.hist[i] += b.hist[i];
  return a;
}

/** How the permafrost share of a cell is read from its value (GroupSpec's fields). */
type Frozen = Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>;

/**
 * Weighted quantiles from a histogram: the bin value where the cumulative weight passes q, so
 * exact to the bin width (0.01 °C for MAGT, 0.1 cm for ALT).
 */
function quantiles(hist: Float64Array, total: number, lo: number, width: number, qs: number[]): number[] {
  const decimals = Math.max(0, -Math.floor(Math.log10(width)));
  const out: number[] = [];
  let cumulative = 0;
  let k = 0;
  for (let i = 0; i < hist.length && k < qs.length; i++) {
    cumulative += hist[i];
    while (k < qs.length && cumulative >= qs[k] * total - 1e-12 * total) { out.push(Number((lo + i * width).toFixed(decimals))); k++; }
  }
  while (out.length < qs.length) out.push(Number((lo + (hist.length - 1) * width).toFixed(decimals)));
  return out;
}

async function samplePoints(ctx: Context, points: Table | Record<string, unknown>[], options: SampleOptions): Promise<Table> {
  const { grid } = ctx;
  if (!options || !ctx.variables.includes(options.variable)) throw new InputError(invalid('variable', options?.variable, ctx.variables.join(', ')), ctx.where);
  const method = options.method ?? 'nearest';
  if (method !== 'nearest' && method !== 'bilinear') throw new InputError(invalid('method', method, '"nearest" or "bilinear"'));
  const searchKm = options.search_km ?? 0;
  if (!(searchKm >= 0)) throw new InputError(invalid('search_km', searchKm, 'a distance ≥ 0 in km'));
  const input = Array.isArray(points) ? aq.from(points) : points;
  for (const c of ['lon', 'lat']) if (!input.columnNames().includes(c)) throw new InputError(`points need a "${c}" column (have: ${input.columnNames().join(', ')})`);
  const lons = input.array('lon') as ArrayLike<number>;
  const lats = input.array('lat') as ArrayLike<number>;
  const n = input.numRows();
  const t = grid.transform;
  const periods = options.period ? [ctx.periods.find((p) => p.label === (parsePeriod(options.period!)?.label ?? options.period))!] : ctx.periods;
  if (periods.some((p) => !p)) throw new InputError(invalid('period', options.period, ctx.periods.map((p) => p.label).join(', ')), ctx.where);
  // Validity for snapping: land as the MAGT (or permafrost) layer sees it, else the variable itself.
  const landVariable = ctx.variables.includes('magt') ? 'magt' : ctx.variables.includes('permafrost') ? 'permafrost' : options.variable;
  const land = ctx.slotOf(landVariable, periods[0].label);
  const xs = new Float64Array(n), ys = new Float64Array(n);
  const status: string[] = new Array(n);
  const snap = new Float64Array(n).fill(NaN);
  const cols = new Int32Array(n).fill(-1), rows = new Int32Array(n).fill(-1);
  const radius = Math.ceil((searchKm * 1000) / Math.abs(t.pixelWidth));
  for (let i = 0; i < n; i++) {
    const coordinate = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v)); // Number(null) is 0
    const lon = coordinate(lons[i]), lat = coordinate(lats[i]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) { status[i] = 'no coordinates'; continue; }
    const [x, y] = ctx.lonLats().fromLonLat(lon, lat);
    xs[i] = x; ys[i] = y;
    const col = Math.floor((x - t.originX) / t.pixelWidth);
    const row = Math.floor((y - t.originY) / t.pixelHeight);
    if (!(col >= 0 && row >= 0 && col < grid.width && row < grid.height)) { status[i] = 'outside grid'; continue; }
    const w = Math.min(grid.width - 1, col + radius) - Math.max(0, col - radius) + 1;
    const h = Math.min(grid.height - 1, row + radius) - Math.max(0, row - radius) + 1;
    const x0 = Math.max(0, col - radius), y0 = Math.max(0, row - radius);
    const [block] = await land.raster.read({ window: { x: x0, y: y0, width: w, height: h }, bands: [land.band] });
    const ok = (v: number) => v === v && v !== land.raster.noData;
    if (ok(block[(row - y0) * w + (col - x0)])) { status[i] = 'inside'; cols[i] = col; rows[i] = row; snap[i] = 0; continue; }
    let best = Infinity, bc = -1, br = -1;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        if (!ok(block[r * w + c])) continue;
        const cx = t.originX + (x0 + c + 0.5) * t.pixelWidth, cy = t.originY + (y0 + r + 0.5) * t.pixelHeight;
        const d = Math.hypot(cx - x, cy - y) / 1000;
        if (d <= searchKm && d < best) { best = d; bc = x0 + c; br = y0 + r; }
      }
    }
    if (bc >= 0) { status[i] = 'snapped'; cols[i] = bc; rows[i] = br; snap[i] = best; }
    else status[i] = 'no data nearby';
  }
  const column = VARIABLES[options.variable].column;
  const parts: Table[] = [];
  for (const period of periods) {
    const { raster, band } = ctx.slotOf(options.variable, period.label);
    const values = new Float64Array(n).fill(NaN);
    const want = Array.from({ length: n }, (_, i) => i).filter((i) => cols[i] >= 0);
    if (method === 'nearest' || options.variable === 'permafrost') {
      const got = await raster.valuesAt(want.map((i) => ({ x: t.originX + (cols[i] + 0.5) * t.pixelWidth, y: t.originY + (rows[i] + 0.5) * t.pixelHeight })), { bands: [band] });
      want.forEach((i, k) => { values[i] = got[0][k]; });
    } else {
      for (const i of want) values[i] = await bilinear(raster, band, status[i] === 'snapped' ? t.originX + (cols[i] + 0.5) * t.pixelWidth : xs[i],
        status[i] === 'snapped' ? t.originY + (rows[i] + 0.5) * t.pixelHeight : ys[i], grid);
    }
    let part = input.assign({ x_m: xs, y_m: ys, status, snap_km: snap, [column]: values });
    if (periods.length > 1 || !options.period) part = part.assign({ period: new Array(n).fill(period.label), mid_year: new Float64Array(n).fill(period.mid_year) });
    parts.push(part);
  }
  return parts.length === 1 ? parts[0] : parts[0].concat(...parts.slice(1));
}

/** Bilinear interpolation between the four nearest cell centres, over the valid ones. */
async function bilinear(raster: Raster, band: number, x: number, y: number, grid: DatasetGrid): Promise<number> {
  const t = grid.transform;
  const fc = (x - t.originX) / t.pixelWidth - 0.5;
  const fr = (y - t.originY) / t.pixelHeight - 0.5;
  const c0 = Math.max(0, Math.min(grid.width - 2, Math.floor(fc)));
  const r0 = Math.max(0, Math.min(grid.height - 2, Math.floor(fr)));
  const tx = Math.max(0, Math.min(1, fc - c0)), ty = Math.max(0, Math.min(1, fr - r0));
  const [b] = await raster.read({ window: { x: c0, y: r0, width: 2, height: 2 }, bands: [band] });
  const weights = [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty];
  let sum = 0, wsum = 0;
  for (let k = 0; k < 4; k++) {
    const v = b[k];
    if (v !== v || v === raster.noData) continue;
    sum += weights[k] * v;
    wsum += weights[k];
  }
  return wsum > 0 ? sum / wsum : NaN;
}

/** Names of the periods as the product writes them. */
export const PERIOD_LABELS = PRODUCT_PERIODS.map((p) => p.label);

