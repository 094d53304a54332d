import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import type { Raster } from '../geotiff/openRaster.js';
import { addSlice, emptyPartial, KERNEL_MODULE, partsOf, placeSpec, type Frozen, type GroupPartial, type GroupSpec, type KernelResult, type PlaceInput } from '../stats/kernels.js';
import { runPass } from '../engine/pass.js';
import { internalsOf, type Context } from './context.js';
import { chan } from '../stats/moments.js';
import { VARIABLES, type Variable } from './discover.js';
import { regionLabels, REGIONS } from './regions.js';
import { loadPartials, savePartials, summaryCacheFile } from './summaryCache.js';

type Table = ReturnType<typeof aq.table>;

/** Options of `ds.summarize`. */
export interface SummarizeOptions {
  /**
   * Grouping: any of `period`, `region`, `lat_band`. Default `['period']`. Without `period`,
   * values pool over all periods and areas are averages over the periods. With `region`, the row
   * `other` holds the land outside the eleven named regions (Iceland, Svalbard, the Canadian and
   * Russian Arctic islands outside their countries' polygons…), so that regions add up to the whole.
   */
  by?: ('period' | 'region' | 'lat_band')[];
  /** Variables to summarize. Default: all the dataset has. */
  variables?: Variable[];
  /** Width of latitude bands in degrees (1 or 5 usually). Default 5. */
  lat_band_deg?: number;
  onProgress?: (fraction: number) => void;
}

/** Histogram resolution for quantiles, per variable: [lowest, highest, bin width]. */
export const BINS: Record<Variable, [number, number, number]> = { magt: [-60, 40, 0.01], alt: [0, 3000, 0.1], permafrost: [0, 2, 1] };

export async function summarizeDataset(ctx: Context, options: SummarizeOptions): Promise<Table> {
  const by = options.by ?? ['period'];
  for (const b of by) if (!['period', 'region', 'lat_band'].includes(b)) throw new InputError(invalid('by', b, 'period, region, lat_band'));
  const bandDeg = options.lat_band_deg ?? 5;
  if (!(bandDeg > 0 && bandDeg <= 90)) throw new InputError(invalid('lat_band_deg', bandDeg, 'degrees between 0 and 90'));
  for (const v of options.variables ?? []) if (!ctx.variables.includes(v)) throw new InputError(invalid('variable', v, ctx.variables.join(', ')), ctx.where);
  const variables = options.variables ?? ctx.variables;
  const byRegion = by.includes('region');
  const byBand = by.includes('lat_band');
  const byPeriod = by.includes('period');
  const bandCount = Math.ceil(180 / bandDeg);
  const groupCount = (byRegion ? REGIONS.length + 1 : 1) * (byBand ? bandCount : 1);
  const periodKeys = byPeriod ? ctx.periods.map((p) => p.label) : ['all'];
  // Without grouping by period, values pool over all periods and areas are period averages.
  const perPeriod = byPeriod ? 1 : 1 / ctx.periods.length;

  const partials = new Map<string, GroupPartial>(); // key `${variable}|${periodKey}`
  const cached = byPeriod && variables.every((v) => cachedPartials(ctx, v, { byRegion, byBand, bandDeg: byBand ? bandDeg : 0, bandCount: byBand ? bandCount : 1 }));
  const labelGrid = !cached && (byRegion || byBand) ? groupLabels(ctx, byRegion, byBand, bandDeg, bandCount, true) : null;
  for (const variable of variables) {
    const [lo, hi, width] = BINS[variable];
    const bins = Math.ceil((hi - lo) / width) + 1;
    const frozen = frozenOf(ctx, variable);
    const keys = periodKeys.map((k) => `${variable}|${k}`);
    const grouping = { byRegion, byBand, bandDeg: byBand ? bandDeg : 0, bandCount: byBand ? bandCount : 1 };
    let found = byPeriod ? cachedPartials(ctx, variable, grouping) : null;
    if (!found) {
      found = await accumulateOnWorkers(ctx, variable, byPeriod, labelGrid, groupCount, lo, width, bins, frozen, perPeriod, options.onProgress);
      if (byPeriod) keep(ctx, variable, grouping, found);
    }
    const have = found;
    keys.forEach((k) => { const part = have.get(k); if (part) partials.set(k, part); });
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
        if (variable === 'permafrost' || (variable === 'magt' && !variables.includes('permafrost'))) {
          row.permafrost_area_km2 = a.pf[g];
          // the same permafrost counted as cells of the nominal size: what ignoring cell areas gives
          row.permafrost_nominal_area_km2 = a.pfCells[g] * (ctx.grid.resolution_m / 1000) ** 2;
        }
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
  const lat = new Float64Array(grid.width);
  for (let row = 0; row < grid.height; row++) {
    if (byBand) ctx.lonLats().latRow(row, 0, grid.width, lat);
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

/**
 * The periods' blocks of one variable, summarized by group on the workers a place at a time (a
 * partial per task), and the partials merged here in place order: one dense partial per key.
 */
export async function accumulateOnWorkers(ctx: Context, variable: Variable, byPeriod: boolean, labels: Uint16Array | null, groups: number,
  lo: number, width: number, bins: number, frozen: Frozen, factor: number, onProgress?: (f: number) => void): Promise<Map<string, GroupPartial>> {
  const { grid } = ctx;
  const keyOf = (period: string) => `${variable}|${byPeriod ? period : 'all'}`;
  // the bands of each file, with the key each one adds to
  const byFile = new Map<Raster, { bands: number[]; keys: string[] }>();
  for (const p of ctx.periods) {
    const { raster, band } = ctx.slotOf(variable, p.label);
    const file = byFile.get(raster) ?? byFile.set(raster, { bands: [], keys: [] }).get(raster)!;
    if (file.bands.includes(band)) continue;
    file.bands.push(band);
    file.keys.push(keyOf(p.label));
  }
  const rasters = [...byFile.keys()];
  const files = rasters.map((raster) => ({ internals: internalsOf(raster), bands: byFile.get(raster)!.bands, name: raster.source }));
  const out = new Map<string, GroupPartial>();
  for (const { keys } of byFile.values()) for (const key of keys) if (!out.has(key)) out.set(key, emptyPartial(groups, bins));
  const spec: GroupSpec = { labels, groups, lo, width, bins, ...frozen, factor };
  await runPass<KernelResult['groups'], Omit<PlaceInput, 'blobs'>>({
    files, module: KERNEL_MODULE,
    describe: (place) => {
      const { internals, bands } = files[place.file];
      return { layout: internals.layoutOf(place.first), spec: placeSpec(grid, rasters[place.file], place.first), parts: partsOf(internals, bands, place) };
    },
    task: (places) => ({ kernel: 'groups', places, groups: spec }),
    merge: (slices, places) => {
      const { keys } = byFile.get(rasters[places[0].file])!;
      slices.forEach((slice, j) => addSlice(out.get(keys[j])!, slice));
    },
    on_progress: onProgress,
  });
  return out;
}

/** Adds group `g` of `from` into group `k` of `into`: moments by Chan's update, the rest summed. */
function addGroup(into: GroupPartial, k: number, from: GroupPartial, g: number): void {
  [into.w[k], into.mean[k], into.m2[k]] = chan(into.w[k], into.mean[k], into.m2[k], from.w[g], from.mean[g], from.m2[g]);
  into.min[k] = Math.min(into.min[k], from.min[g]);
  into.max[k] = Math.max(into.max[k], from.max[g]);
  into.cells[k] += from.cells[g];
  into.pf[k] += from.pf[g];
  into.pfCells[k] += from.pfCells[g];
  const bins = from.hist.length / from.w.length;
  for (let b = 0; b < bins; b++) into.hist[k * bins + b] += from.hist[g * bins + b];
}

export type { Frozen };

/** The permafrost share of a variable's values: the permafrost layer's coding, MAGT below 0, none for ALT. */
export function frozenOf(ctx: Context, variable: Variable): Frozen {
  return variable === 'permafrost' ? { frozen: ctx.frozen?.mode ?? 1, frozenScale: ctx.frozen?.scale, frozenTable: ctx.frozen?.table }
    : { frozen: variable === 'magt' ? 2 : 0 };
}

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


/** Options of `ds.histogram`. */
export interface HistogramOptions {
  /** Periods to include. Default: all. */
  periods?: string[];
  onProgress?: (fraction: number) => void;
}

/**
 * The area-weighted distribution of a variable in each period, streamed over the whole grid on
 * the workers: one row per period and fine bin (0.01 °C for MAGT, 0.1 cm for ALT) with the bin's
 * value and the area in it (`period`, `mid_year`, `magt_c` or `alt_cm`, `area_km2`). What
 * `histogramFigure` draws, for a grid of any size.
 * @example show(histogramFigure(await ds.histogram('magt')))
 */
export async function histogram(ctx: Context, variable: Variable, options: HistogramOptions = {}): Promise<Table> {
  if (!ctx.variables.includes(variable)) throw new InputError(invalid('variable', variable, ctx.variables.join(', ')), ctx.where);
  const wanted = (options.periods ?? ctx.periods.map((p) => p.label)).map((p) => { ctx.slotOf(variable, p); return p; });
  const [lo, hi, width] = BINS[variable];
  const bins = Math.ceil((hi - lo) / width) + 1;
  const grouping = { byRegion: false, byBand: false, bandDeg: 0, bandCount: 1 };
  let partials = cachedPartials(ctx, variable, grouping);
  if (!partials) {
    // the same pass a summary by period makes (with its permafrost counts), kept for it
    partials = await accumulateOnWorkers(ctx, variable, true, null, 1, lo, width, bins, frozenOf(ctx, variable), 1, options.onProgress);
    keep(ctx, variable, grouping, partials);
  }
  const column = VARIABLES[variable].column;
  const decimals = Math.max(0, -Math.floor(Math.log10(width)));
  const period: string[] = [], mid: number[] = [], value: number[] = [], area: number[] = [];
  for (const p of ctx.periods) {
    if (!wanted.includes(p.label)) continue;
    const part = partials.get(`${variable}|${p.label}`);
    if (!part) continue;
    for (let b = 0; b < bins; b++) {
      if (!part.hist[b]) continue;
      period.push(p.label); mid.push(p.mid_year); value.push(Number((lo + b * width).toFixed(decimals))); area.push(part.hist[b]);
    }
  }
  return aq.table({ period, mid_year: Float64Array.from(mid), [column]: Float64Array.from(value), area_km2: Float64Array.from(area) });
}

/** How cells are grouped: by region (12 groups: none and the 11 regions) and/or latitude band. */
interface Grouping { byRegion: boolean; byBand: boolean; bandDeg: number; bandCount: number }

/** Per-period partials of one variable and grouping, kept by the dataset for later summaries. */
interface CachedPartials { variable: Variable; grouping: Grouping; parts: Map<string, GroupPartial> }
const caches = new WeakMap<Context['slotOf'], CachedPartials[]>();

/** What a pass of a variable with a grouping computed, for its cache file. */
function diskFile(ctx: Context, variable: Variable, grouping: Grouping): string | null {
  return summaryCacheFile(ctx, variable, { grouping, bins: BINS[variable], frozen: frozenOf(ctx, variable) });
}

/**
 * The per-period partials of a variable for a grouping: from this dataset's earlier passes, else
 * from a pass kept on disk by any process (the same grouping, or by region, which coarsens), or null.
 */
function cachedPartials(ctx: Context, variable: Variable, want: Grouping): Map<string, GroupPartial> | null {
  const hit = fromCache(ctx, variable, want);
  if (hit) return hit;
  const finer: Grouping = { ...want, byRegion: true };
  for (const grouping of want.byRegion ? [want] : [want, finer]) {
    const parts = loadPartials(diskFile(ctx, variable, grouping));
    if (parts) { remember(ctx, variable, grouping, parts); return fromCache(ctx, variable, want); }
  }
  return null;
}

/** Keeps a new pass's partials in this dataset and on disk. */
function keep(ctx: Context, variable: Variable, grouping: Grouping, parts: Map<string, GroupPartial>): void {
  remember(ctx, variable, grouping, parts);
  savePartials(diskFile(ctx, variable, grouping), parts);
}

/** Keeps a pass's per-period partials (a few per dataset, the newest first): a later summary or histogram with the same or a coarser grouping needs no pass. */
function remember(ctx: Context, variable: Variable, grouping: Grouping, parts: Map<string, GroupPartial>): void {
  const list = caches.get(ctx.slotOf) ?? [];
  if (list.some((c) => c.parts === parts)) return;
  list.unshift({ variable, grouping, parts });
  list.length = Math.min(list.length, 6);
  caches.set(ctx.slotOf, list);
}

/**
 * The per-period partials of a variable for a grouping, from a cached pass with the same or a
 * finer grouping (groups merged exactly: Chan's update for the moments, sums for the rest), or null.
 */
function fromCache(ctx: Context, variable: Variable, want: Grouping): Map<string, GroupPartial> | null {
  for (const c of caches.get(ctx.slotOf) ?? []) {
    const have = c.grouping;
    if (c.variable !== variable || (want.byRegion && !have.byRegion) || (want.byBand && (!have.byBand || have.bandDeg !== want.bandDeg))) continue;
    if (have.byRegion === want.byRegion && have.byBand === want.byBand) return c.parts;
    const groups = (want.byRegion ? REGIONS.length + 1 : 1) * want.bandCount;
    const to = (g: number) => {
      const region = have.byBand ? Math.floor(g / have.bandCount) : g;
      const band = have.byBand ? g % have.bandCount : 0;
      return (want.byRegion ? region : 0) * want.bandCount + (want.byBand ? band : 0);
    };
    const out = new Map<string, GroupPartial>();
    for (const [key, part] of c.parts) out.set(key, coarsen(part, groups, to));
    return out;
  }
  return null;
}

/** A partial with its groups merged into `groups` coarser ones (`to` maps a group to its coarse group). */
function coarsen(part: GroupPartial, groups: number, to: (g: number) => number): GroupPartial {
  const fine = part.w.length;
  const bins = part.hist.length / fine;
  const out: GroupPartial = { w: new Float64Array(groups), mean: new Float64Array(groups), m2: new Float64Array(groups), min: new Float64Array(groups).fill(Infinity),
    max: new Float64Array(groups).fill(-Infinity), cells: new Float64Array(groups), pf: new Float64Array(groups), pfCells: new Float64Array(groups), hist: new Float64Array(groups * bins) };
  for (let g = 0; g < fine; g++) addGroup(out, to(g), part, g);
  return out;
}
