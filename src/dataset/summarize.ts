import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import type { Context } from './context.js';
import { VARIABLES, type Variable } from './discover.js';
import { REGIONS } from './regions.js';
import { latitudeBandName } from './periods.js';
import { accumulateOnWorkers, BINS, cachedPartials, frozenOf, groupLabels, keep } from './groupPass.js';
import type { GroupPartial } from '../stats/kernels.js';
import { progressOf, type OnProgress } from '../core/progress.js';
import { cumulativePositions } from '../stats/weightedQuantile.js';

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
  /** Called as the pass goes on with the fraction done (0–1). */
  on_progress?: OnProgress;
  /** @deprecated use `on_progress` (the same callback). */
  onProgress?: OnProgress;
}

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
      found = await accumulateOnWorkers(ctx, variable, byPeriod, labelGrid, groupCount, lo, width, bins, frozen, perPeriod, progressOf(options));
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
    if (byBand) out.lat_band = latitudeBandName(g % bandCount, bandDeg);
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

/**
 * Weighted quantiles from a histogram: the bin value where the cumulative weight passes q, so
 * exact to the bin width (0.01 °C for MAGT, 0.1 cm for ALT).
 */
export function quantiles(hist: Float64Array, total: number, lo: number, width: number, qs: number[]): number[] {
  const decimals = Math.max(0, -Math.floor(Math.log10(width)));
  return cumulativePositions(hist, qs, total).map((bin) => Number((lo + bin * width).toFixed(decimals)));
}

