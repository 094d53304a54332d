import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import type { Context } from './context.js';
import { VARIABLES, type Variable } from './discover.js';
import { accumulateOnWorkers, BINS, cachedPartials, frozenOf, keep } from './groupPass.js';
import { progressOf, type OnProgress } from '../core/progress.js';

type Table = ReturnType<typeof aq.table>;

/** Options of `ds.histogram`. */
export interface HistogramOptions {
  /** Periods to include. Default: all. */
  periods?: string[];
  /** Called as the pass goes on with the fraction done (0–1). */
  on_progress?: OnProgress;
  /** @deprecated use `on_progress` (the same callback). */
  onProgress?: OnProgress;
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
    partials = await accumulateOnWorkers(ctx, variable, true, null, 1, lo, width, bins, frozenOf(ctx, variable), 1, progressOf(options));
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

