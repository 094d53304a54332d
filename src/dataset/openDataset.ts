import * as aq from 'arquero';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, InputError, invalid } from '../errors.js';
import { openRaster, type Raster } from '../geotiff/openRaster.js';
import { protectFolder } from '../guard.js';
import { cellArea, type CellArea } from '../grid/cellArea.js';
import { lonLatGrid, type LonLatGrid } from '../grid/lonLat.js';
import { altUnitFactor, permafrostCoding as detectCoding, probeValues, type PermafrostCoding } from './coding.js';
import { frozenShare } from '../stats/frozenShare.js';
import { discoverLayout, VARIABLES, type Layout, type Variable } from './discover.js';
import { isNetcdfSource, netcdfLayout, type NetcdfLayoutOptions } from './netcdfLayout.js';
import { summarizeDataset, type SummarizeOptions } from './summarize.js';
import { histogram as histogramOf, type HistogramOptions } from './histogram.js';
import { samplePoints, type SampleOptions } from './sample.js';
import { internalsOf, type Context, type DatasetGrid } from './context.js';
import { table as tableOf, tables as tablesOf, type TableContext, type TableOptions } from './table.js';
import { change as changeOf, type ChangeOptions, type ChangeResult } from './change.js';
import { layer as layerOf, layers as layersOf, type Layer, type LayerOptions } from './layer.js';
import { trend as trendOf, type TrendOptions, type TrendResult } from './trend.js';
import { provenanceOf } from '../provenance/provenance.js';
import { markSynthetic } from '../provenance/tableOrigin.js';
import { zonation as zonationOf, zoneAreas as zoneAreasOf, ZONES, type ZonationOptions, type ZonationResult } from './zonation.js';

export { ZONES, type CompareOptions, type Comparison, type RegridOptions, type RegridTarget, type ChangeOptions, type HistogramOptions, type TrendOptions, type TrendResult, type SummarizeOptions, type SampleOptions, type TableOptions, type ChangeResult, type DatasetGrid, type Layer, type LayerOptions, type ZonationOptions, type ZonationResult };
import { PRODUCT_PERIODS, parsePeriod, type Period } from './periods.js';
import { regridToFolder, type RegridOptions, type RegridTarget } from './regrid.js';
import { compareDatasets, type CompareOptions, type Comparison } from './compare.js';

type Table = ReturnType<typeof aq.table>;

/** Options for {@link openDataset}. */
export interface OpenDatasetOptions extends NetcdfLayoutOptions {
  /** Extra HTTP headers for remote files. */
  headers?: Record<string, string>;
  /** Seconds a request for part of a remote file may take before it is tried again. Default 120. */
  timeout_s?: number;
  /** Tries of each request for part of a remote file (timeouts, dropped connections and 5xx answers are tried again). Default 3. */
  tries?: number;
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
  /** The area-weighted distribution of a variable per period in fine bins, streamed over the whole grid (for `histogramFigure`). */
  histogram(variable: Variable, options?: HistogramOptions): Promise<Table>;
  /** Area-weighted statistics by period, region and/or latitude band, one row per group. */
  summarize(options?: SummarizeOptions): Promise<Table>;
  /** Values at lon/lat points (an Arquero table or an array of objects with lon and lat). */
  sample(points: Table | Record<string, unknown>[], options: SampleOptions): Promise<Table>;
  /** Per-cell Sen's slope and Mann–Kendall test over the periods. */
  trend(variable: Variable, options?: TrendOptions): Promise<TrendResult>;
  /** The difference `to − from` of one variable between two periods, with its area-weighted summary. */
  change(variable: Variable, periods: ChangeOptions): Promise<ChangeResult>;
  /** Permafrost zones (continuous, discontinuous, sporadic, isolated) from the permafrost fraction in coarser windows. */
  zonation(period: string, options?: ZonationOptions): Promise<ZonationResult>;
  /** The zone areas of every period (or of `periods`) as one table (period, mid_year, zone, region_area_km2, permafrost_area_km2), without per-cell grids. */
  zoneAreas(options?: ZonationOptions & { periods?: string[] }): Promise<Table>;
  /**
   * One variable and period as a grid (NaN where there is no data), ready for `mapFigure`: the
   * full grid, or with `{ max_cells_across }` block means streamed to at most that many cells across;
   * `{ region }` cuts it to a region. Permafrost comes as the share of each cell (block) that is permafrost.
   */
  layer(variable: Variable, period: string, options?: LayerOptions): Promise<Layer>;
  /**
   * Every period (or the ones named in `periods`) of a variable as grids, for a map with a period
   * slider: `mapFigure(await ds.layers('magt', { max_cells_across: 200 }))`. Each tile is decoded once.
   */
  layers(variable: Variable, options?: LayerOptions & { periods?: string[] }): Promise<Layer[]>;
  /**
   * The dataset resampled onto another grid (a dataset's, or `{ width, height, transform, crs }`):
   * GeoTIFFs written to a folder (`out`, else a temporary one) and opened as a dataset. `method`:
   * `average` (default; area-weighted, each source cell by its share inside the target cell),
   * `nearest`, `bilinear` or `mode`, as gdalwarp's `-r average|near|bilinear|mode`.
   */
  regrid(target: RegridTarget, options?: RegridOptions): Promise<Dataset>;
  /**
   * This product (a) against another (b), as `compareDatasets(a, b, options)`: the finer resampled
   * onto the coarser grid; a table by region, zone and latitude band, and per-cell differences
   * for `differenceMap(cmp)` and `scatterFigure(cmp)`.
   */
  compare(other: Dataset, options?: CompareOptions): Promise<Comparison>;
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
 * the synthetic sample. Recognises the product's layouts (a multi-band file per variable, a file per
 * variable and period, a `dataset.json` manifest), checks that all grids align, and
 * refuses with a message listing the files it saw what it cannot understand. A `.nc` file or a
 * folder of them (NetCDF3 or NetCDF4, CF) is read by src/netcdf: variables recognised by
 * `standard_name`, name or `long_name`, CF times decoded, annual layers averaged into the
 * product's 5-year periods unless `periods` says otherwise (`'annual'`, `'as-is'`); `crs` gives
 * the CRS of files without a grid mapping.
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
    if (!r) { r = await openRaster(file, { headers: options.headers, timeout_s: options.timeout_s, tries: options.tries }); rasters.set(file, r); }
    return r;
  };
  let layout: Layout;
  // NetCDF rasters are keyed `file.nc:variable`; ds.files lists the files themselves
  const netcdf = !remote && isNetcdfSource(where);
  try {
    if (netcdf) {
      const nc = await netcdfLayout(where, { crs: options.crs, periods: options.periods, variables: options.variables });
      layout = nc.layout;
      for (const [key, r] of nc.rasters) rasters.set(key, r);
    } else layout = await discoverLayout(where, async (file) => { const r = await open(file); return { bands: r.bands, bandNames: r.bandNames }; }, { headers: options.headers });
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
    ...resolutionOf(first), bbox: first.bbox,
  };
  const labels = [...new Set([...layout.variables.values()].flatMap((s) => [...s.keys()]))].sort();
  const periods = labels.map((l) => parsePeriod(l)!);
  const variables = (Object.keys(VARIABLES) as Variable[]).filter((v) => layout.variables.has(v));
  const synthetic = [...rasters.values()].some((r) => /synthetic/i.test(r.metadata.SYNTHETIC ?? r.metadata.synthetic ?? ''));
  const notices = [...layout.notices];
  // ALT in metres becomes cm, said once; scaled integers are unscaled by the reader, said here.
  for (const [file, r] of rasters) {
    notices.push(...r.notices.map((n) => `${basename(file)}: ${n}`)); // what the reader recovered from
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
    coding = detectCoding(await probeValues(raster, first.band), raster.bandNames[first.band] ?? '', raster.bandUnits[first.band] ?? '', raster.classNames[first.band] ?? null);
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

  const ctx: Context = { grid, periods, variables, slotOf, lonLats, areas, where, frozen: { mode: pfMode, scale: pfScale, table: pfTable }, shareOf, memo: { partials: [] } };

  return new ProductDataset({
    source: where, synthetic, variables, periods, grid, layout: layout.how, files: netcdf ? layout.files : [...rasters.keys()], notices, permafrostCoding: coding,
    sources: Object.fromEntries(layout.sources),
  }, ctx, rasters);
}

/** What describes an open dataset: plain data, shown by `show(ds)` and `info`. */
type DatasetState = Pick<Dataset, 'source' | 'synthetic' | 'variables' | 'periods' | 'grid' | 'layout' | 'files' | 'notices' | 'permafrostCoding' | 'sources'>;

/**
 * An open dataset: the state (its rasters, grid and caches) and the verbs, each a free function
 * of its own file (table.ts, summarize.ts, trend.ts, …) that the class forwards to, as Arquero
 * builds its table.
 */
class ProductDataset implements Dataset {
  readonly source: string;
  readonly synthetic: boolean;
  readonly variables: Variable[];
  readonly periods: Period[];
  readonly grid: DatasetGrid;
  readonly layout: string;
  readonly files: string[];
  readonly notices: string[];
  readonly permafrostCoding: PermafrostCoding | null;
  readonly sources: Record<string, string>;
  private readonly tableCtx: TableContext;

  constructor(state: DatasetState, private readonly ctx: Context, private readonly rasters: Map<string, Raster>) {
    this.source = state.source; this.synthetic = state.synthetic; this.variables = state.variables; this.periods = state.periods;
    this.grid = state.grid; this.layout = state.layout; this.files = state.files; this.notices = state.notices;
    this.permafrostCoding = state.permafrostCoding; this.sources = state.sources;
    this.tableCtx = { ...ctx, overviewGrids: new Map(), synthetic: state.synthetic };
  }

  // tables of the synthetic sample are marked so, and say it when a notebook shows them
  private readonly mark = (t: Table): Table => markSynthetic(t, this.synthetic);
  table(variable: Variable, period: string, options: TableOptions = {}): Promise<Table> { return tableOf(this.tableCtx, variable, period, options).then(this.mark); }
  tables(variable: Variable, options: TableOptions = {}): Promise<Table> { return tablesOf(this.tableCtx, variable, options).then(this.mark); }
  summarize(options: SummarizeOptions = {}): Promise<Table> { return summarizeDataset({ ...this.ctx, variables: options.variables ?? this.variables }, options).then(this.mark); }
  histogram(variable: Variable, options?: HistogramOptions): Promise<Table> { return histogramOf(this.ctx, variable, options).then(this.mark); }
  sample(points: Table | Record<string, unknown>[], options: SampleOptions): Promise<Table> { return samplePoints(this.ctx, points, options).then(this.mark); }
  async trend(variable: Variable, options: TrendOptions = {}): Promise<TrendResult> {
    const result = await trendOf(this.ctx, variable, options);
    return { ...result, provenance: await provenanceOf({ builder: 'ds.trend', options: { variable, alpha: result.alpha, fdr: result.fdr }, dataset: this }) };
  }
  async change(variable: Variable, periods: ChangeOptions): Promise<ChangeResult> {
    const result = await changeOf(this.ctx, variable, periods);
    return { ...result, provenance: await provenanceOf({ builder: 'ds.change', options: { variable, from: result.from, to: result.to }, dataset: this }) };
  }
  zonation(period: string, options?: ZonationOptions): Promise<ZonationResult> { return zonationOf(this.ctx, period, options); }
  zoneAreas(options?: ZonationOptions & { periods?: string[] }): Promise<Table> { return (zoneAreasOf(this.ctx, options) as Promise<Table>).then(this.mark); }
  layer(variable: Variable, period: string, options?: LayerOptions): Promise<Layer> { return layerOf(this.ctx, variable, period, options); }
  layers(variable: Variable, options: LayerOptions & { periods?: string[] } = {}): Promise<Layer[]> {
    return layersOf(this.ctx, variable, options.periods ?? this.periods.map((p) => p.label), options);
  }
  raster(variable: Variable, period: string): { raster: Raster; band: number } { return this.ctx.slotOf(variable, period); }
  async regrid(target: RegridTarget, options: RegridOptions = {}): Promise<Dataset> { return openDataset(await regridToFolder(this, target, options)); }
  compare(other: Dataset, options: CompareOptions = {}): Promise<Comparison> { return compareDatasets(this, other, options); }
  async close(): Promise<void> { await Promise.all([...this.rasters.values()].map((r) => r.close())); }
}

/** A grid's cell size: metres, and degrees on a longitude/latitude grid (whose nominal metres are its cells' north–south size). */
function resolutionOf(r: Raster): { resolution_m: number; resolution_deg: number | null } {
  const size = Math.abs(r.transform.pixelWidth);
  return /\+proj=longlat\b/.test(r.crs) ? { resolution_m: size * 111_320, resolution_deg: size } : { resolution_m: size, resolution_deg: null };
}

/** Names of the periods as the product writes them. */
export const PERIOD_LABELS = PRODUCT_PERIODS.map((p) => p.label);

