import { InputError, invalid } from '../errors.js';
import { mapArray } from '../grid/mapArray.js';
import { runPass } from '../engine/pass.js';
import { KERNEL_MODULE, partsOf, placeSpec, type KernelResult, type PlaceInput } from '../stats/kernels.js';
import { benjaminiHochberg } from '../stats/trend.js';
import { trendCells } from '../stats/trendKernel.js';
import type { Provenance } from '../provenance/provenance.js';
import { forEachSlotBlock, internalsOf, STRIP_ROWS, type Context, type DatasetGrid } from './context.js';
import type { Variable } from './discover.js';
import { checkMemory } from './memory.js';
import { progressOf, type OnProgress } from '../core/progress.js';

/** Options of `ds.trend`. */
export interface TrendOptions {
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** Control the false discovery rate (Benjamini–Hochberg) over all cells instead of testing each at alpha. Default false. */
  fdr?: boolean;
  /** Called as the grid is done with the fraction done (0–1). */
  on_progress?: OnProgress;
  /** @deprecated use `on_progress` (the same callback). */
  onProgress?: OnProgress;
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
  /** Where it came from (set by `ds.trend`): written into the GeoTIFF by `trendRaster`. */
  provenance?: Provenance;
}

/**
 * Per-cell Sen's slope (per decade) and the exact Mann–Kendall test over the periods. When all
 * periods are in one file, each place's blocks are decoded once on the workers and the trends
 * computed there; with a file per period, a band of rows at a time is decoded on the workers and
 * its trends computed on this thread. Significance at `alpha`, or under the false discovery rate
 * (Benjamini–Hochberg) over all cells with `fdr`.
 */
export async function trend(ctx: Context, variable: Variable, options: TrendOptions = {}): Promise<TrendResult> {
  const { grid, periods, variables, slotOf, where } = ctx;
  const areas = ctx.areas;
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new InputError(invalid('alpha', alpha, 'between 0 and 1'));
  if (!variables.includes(variable)) throw new InputError(invalid('variable', variable, variables.join(', ')), where);
  // permafrost is a presence, share or class per cell and period: its change is an area (summarize, change), not a slope per cell
  if (variable === 'permafrost') throw new InputError(invalid('variable', variable, 'magt or alt: a trend per cell needs a quantity; for permafrost, ds.summarize gives its area per period and ds.change the area lost and gained'), where);
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
    const bands = slots.map((s) => s.band);
    await runPass<KernelResult['trend'], Omit<PlaceInput, 'blobs'>>({
      files: [{ internals, bands, name: raster.source }],
      module: KERNEL_MODULE,
      // periods in order; a period whose block was never written is all no data
      describe: (place) => ({ layout: internals.layoutOf(place.first), spec: placeSpec(grid, raster, place.first), parts: partsOf(internals, bands, place) }),
      task: (places) => ({ kernel: 'trend', places, years }),
      merge: (results, places) => results.forEach(({ slope: s, p }, i) => {
        const first = places[i].first;
        perDecade(s);
        for (let r = 0; r < first.rows; r++) {
          slope.set(s.subarray(r * first.cols, (r + 1) * first.cols), (first.row + r) * grid.width + first.col);
          pValue.set(p.subarray(r * first.cols, (r + 1) * first.cols), (first.row + r) * grid.width + first.col);
        }
      }),
      places_per_worker: 2,
      on_progress: progressOf(options),
    });
  } else {
    // a file per period: a band of rows at a time, every period's blocks in it decoded on the
    // workers (blocks taller than the band are decoded for each band they cross), trends here
    const bandRows = Math.max(STRIP_ROWS, ...slots.map((s) => internalsOf(s.raster).blocks([s.band])[0]?.rows ?? 0));
    const report = progressOf(options);
    for (let y0 = 0; y0 < grid.height; y0 += bandRows) {
      const height = Math.min(bandRows, grid.height - y0);
      const cells = grid.width * height;
      const series = periods.map(() => new Float32Array(cells).fill(NaN));
      await forEachSlotBlock(ctx, slots, (k, { values, col, row, cols, rows }) => {
        for (let r = Math.max(0, y0 - row); r < rows && row + r < y0 + height; r++) {
          series[k].set(values.subarray(r * cols, (r + 1) * cols), (row + r - y0) * grid.width + col);
        }
      }, report && ((f) => report((y0 + f * height) / grid.height)), { x: 0, y: y0, width: grid.width, height });
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

