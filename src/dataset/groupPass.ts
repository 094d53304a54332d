// The grouped pass behind ds.summarize and ds.histogram: every period of a variable summarized by
// group (region × latitude band) on the block engine, and the passes kept (in the dataset, and on
// disk by summaryCache.ts) so that a later summary or histogram with the same or a coarser grouping
// needs no pass.
import type { Raster } from '../geotiff/openRaster.js';
import { addSlice, emptyPartial, KERNEL_MODULE, partsOf, placeSpec, type Frozen, type GroupPartial, type GroupSpec, type KernelResult, type PlaceInput } from '../stats/kernels.js';
import { runPass } from '../engine/pass.js';
import { internalsOf, type Context } from './context.js';
import { chan } from '../stats/moments.js';
import type { Variable } from './discover.js';
import { regionLabels, REGIONS } from './regions.js';
import { latitudeBandIndex } from './periods.js';
import { loadPartials, savePartials, summaryCacheFile } from './summaryCache.js';

/** Histogram resolution for quantiles, per variable: [lowest, highest, bin width]. */
export const BINS: Record<Variable, [number, number, number]> = { magt: [-60, 40, 0.01], alt: [0, 3000, 0.1], permafrost: [0, 2, 1] };

/** The last grouping's labels (a grid of them is 2 bytes a cell: 212 MB at 1 km), kept for the next pass with the same grouping. */
let lastLabels: { key: string; labels: Uint16Array } | undefined;

/** Group index of every cell: region label × latitude band; in shared memory when workers read it. */
export function groupLabels(ctx: Context, byRegion: boolean, byBand: boolean, bandDeg: number, bandCount: number, shared: boolean): Uint16Array {
  const { grid } = ctx;
  const key = JSON.stringify([grid.width, grid.height, grid.transform, grid.crs, byRegion, byBand, bandDeg, shared]);
  if (lastLabels?.key === key) return lastLabels.labels;
  lastLabels = undefined; // the old grid can go before the new one is made
  const n = grid.width * grid.height;
  const labels = shared ? new Uint16Array(new SharedArrayBuffer(n * 2)) : new Uint16Array(n);
  const regions = byRegion ? regionLabels(grid).labels : null;
  const lat = new Float64Array(grid.width);
  for (let row = 0; row < grid.height; row++) {
    if (byBand) ctx.lonLats().latRow(row, 0, grid.width, lat);
    const base = row * grid.width;
    for (let c = 0; c < grid.width; c++) {
      let g = regions ? regions[base + c] : 0;
      if (byBand) g = g * bandCount + Math.min(bandCount - 1, latitudeBandIndex(lat[c], bandDeg));
      labels[base + c] = g;
    }
  }
  lastLabels = { key, labels };
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

/** How cells are grouped: by region (12 groups: none and the 11 regions) and/or latitude band. */
export interface Grouping { byRegion: boolean; byBand: boolean; bandDeg: number; bandCount: number }

/** Per-period partials of one variable and grouping, kept by the dataset for later summaries. */
interface CachedPartials { variable: Variable; grouping: Grouping; parts: Map<string, GroupPartial> }

/** What a pass of a variable with a grouping computed, for its cache file. */
function diskFile(ctx: Context, variable: Variable, grouping: Grouping): string | null {
  return summaryCacheFile(ctx, variable, { grouping, bins: BINS[variable], frozen: frozenOf(ctx, variable) });
}

/**
 * The per-period partials of a variable for a grouping: from this dataset's earlier passes, else
 * from a pass kept on disk by any process (the same grouping, or by region, which coarsens), or null.
 */
export function cachedPartials(ctx: Context, variable: Variable, want: Grouping): Map<string, GroupPartial> | null {
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
export function keep(ctx: Context, variable: Variable, grouping: Grouping, parts: Map<string, GroupPartial>): void {
  remember(ctx, variable, grouping, parts);
  savePartials(diskFile(ctx, variable, grouping), parts);
}

/** Keeps a pass's per-period partials (a few per dataset, the newest first): a later summary or histogram with the same or a coarser grouping needs no pass. */
function remember(ctx: Context, variable: Variable, grouping: Grouping, parts: Map<string, GroupPartial>): void {
  const list = ctx.memo.partials as CachedPartials[];
  if (list.some((c) => c.parts === parts)) return;
  list.unshift({ variable, grouping, parts });
  list.length = Math.min(list.length, 6);
}

/**
 * The per-period partials of a variable for a grouping, from a cached pass with the same or a
 * finer grouping (groups merged exactly: Chan's update for the moments, sums for the rest), or null.
 */
function fromCache(ctx: Context, variable: Variable, want: Grouping): Map<string, GroupPartial> | null {
  for (const c of ctx.memo.partials as CachedPartials[]) {
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
