import { parsePeriod } from './periods.js';
import type { Transform } from '../geotiff/openRaster.js';
import { withTransform } from '../geotiff/rasterNames.js';
import { VARIABLES, type Variable } from './discover.js';
import { addWindows, forEachSlotBlock, forEachSlotPlace, type Context } from './context.js';
import type { BlockMeans, BlockShares } from '../stats/kernels.js';
import { checkMemory } from './memory.js';
import { frozenOf } from './groupPass.js';
import { regionWindow, type GeoJsonArea } from './regions.js';
import { type OnProgress } from '../core/progress.js';
import { blockFactor, cellsAcrossOf } from '../grid/blockFactor.js';

/** Options of `ds.layer`. */
export interface LayerOptions {
  /**
   * At most this many cells across: block means of `factor × factor` cells (NaN where a block has
   * no data), computed while streaming, so a map of the 1 km grid never holds the grid. Default: the full grid (or region).
   */
  max_cells_across?: number;
  /** @deprecated use `max_cells_across` (the same number; removed in the next release) */
  max_cells?: number;
  /**
   * Only this region: a named region (`alaska`, `east_siberia`, …) or a GeoJSON polygon in lon/lat.
   * The layer covers the region's bounding window, cells outside the region are NaN, and block means
   * take the region's cells alone. Default: the whole grid.
   */
  region?: string | GeoJsonArea;
}

/** One variable and period as a grid of floats (NaN where there is no data), ready for `mapFigure`. */
export interface Layer {
  values: Float32Array;
  width: number;
  height: number;
  transform: Transform;
  crs: string;
  /** Cells of the dataset's grid per cell of this layer, across and down (1 for the full grid). */
  factor: number;
  /** The period shown. */
  period: string;
  /**
   * What the values are: `magt_c` (°C), `alt_cm` (cm), or `permafrost_share`: the share of each
   * cell (block) that is permafrost, 0–1, whatever the product's coding (presence, fraction, percent
   * or zone classes), area-weighted in blocks. `mapFigure` chooses its colour scale from it.
   */
  value: string;
  /** The region the layer was cut to, when one was asked for. */
  region?: string;
}

/** One variable and period as a grid (block means when `max_cells_across` is smaller than the grid). */
export async function layer(ctx: Context, variable: Variable, period: string, options: LayerOptions = {}): Promise<Layer> {
  return (await layers(ctx, variable, [period], options))[0];
}

/**
 * Several periods of one variable as grids, for maps that step through them. Block means are
 * computed on the workers, tile by tile, each tile of a multi-band file decoded once for all its
 * periods; only the reduced grids are held. The permafrost variable is mapped as the share of each
 * block that is permafrost (area-weighted, by the product's coding). With `region`, the blocks of
 * the region's window are streamed and its cells alone averaged.
 */
export async function layers(ctx: Context, variable: Variable, periods: string[], options: LayerOptions & { on_progress?: OnProgress } = {}): Promise<Layer[]> {
  const slots = periods.map((p) => ctx.slotOf(variable, p)); // names a bad variable or period before any work
  if (options.region !== undefined) return regionLayers(ctx, variable, periods, options.region, options);
  const { grid } = ctx;
  const factor = blockFactor(grid.width, grid.height, cellsAcrossOf(options));
  const width = Math.ceil(grid.width / factor), height = Math.ceil(grid.height / factor);
  checkMemory(periods.length * width * height * 4 * (factor > 1 ? 5 : 1), `the ${variable} layer${periods.length > 1 ? 's' : ''} of ${periods.join(', ')} (${width} × ${height} cells)`,
    `pass { max_cells_across: 1000 } for block means, or read a region with ds.table(…, { region })`);
  const t = grid.transform;
  const transform = withTransform(t, { pixel_width: t.pixel_width * factor, pixel_height: t.pixel_height * factor });
  const value = valueOf(variable);
  const made = (values: Float32Array, period: string): Layer => ({ values, width, height, transform, crs: grid.crs, factor, period: parsePeriod(period)?.label ?? period, value });
  const share = variable === 'permafrost' ? ctx.shareOf('permafrost') : null;
  if (factor === 1) {
    // every cell: the blocks of all periods decoded on the workers, placed here
    // cells of blocks never written stay NaN
    const grids = periods.map(() => new Float32Array(width * height).fill(NaN));
    await forEachSlotBlock(ctx, slots, (k, { values, col, row, cols, rows }) => {
      if (share) for (let i = 0; i < values.length; i++) if (values[i] === values[i]) values[i] = share(values[i]);
      for (let r = 0; r < rows; r++) grids[k].set(values.subarray(r * cols, (r + 1) * cols), (row + r) * width + col);
    }, options.on_progress);
    return periods.map((period, k) => made(grids[k], period));
  }
  const sums = periods.map(() => new Float64Array(width * height));
  const counts = periods.map(() => new Float64Array(width * height));
  if (share) {
    // the permafrost share of each block: permafrost area over land area, by the product's coding
    const frozen = frozenOf(ctx, variable);
    await forEachSlotPlace<BlockShares>(ctx, slots, (places) => ({ kernel: 'shares', places, factor, frozen }),
      (k, m) => { addWindows(sums[k], m.permafrost, m, width); addWindows(counts[k], m.land, m, width); }, options.on_progress);
  } else {
    await forEachSlotPlace<BlockMeans>(ctx, slots, (places) => ({ kernel: 'means', places, factor }),
      (k, m) => { addWindows(sums[k], m.sums, m, width); addWindows(counts[k], m.counts, m, width); }, options.on_progress);
  }
  return periods.map((period, k) => {
    const values = new Float32Array(width * height);
    for (let i = 0; i < values.length; i++) values[i] = counts[k][i] ? sums[k][i] / counts[k][i] : NaN;
    return made(values, period);
  });
}

/** The name of a layer's values: the variable's column, or the permafrost share. */
function valueOf(variable: Variable): string {
  return variable === 'permafrost' ? 'permafrost_share' : VARIABLES[variable].column;
}

/**
 * Layers cut to a region: the blocks overlapping its window streamed through the block engine, the
 * cells outside the region left out of every block (NaN where a block has none), block means over the window.
 */
async function regionLayers(ctx: Context, variable: Variable, periods: string[], region: string | GeoJsonArea,
  options: LayerOptions & { on_progress?: OnProgress }): Promise<Layer[]> {
  const { grid } = ctx;
  const { mask, ...window } = regionWindow(grid, region);
  const factor = blockFactor(window.width, window.height, cellsAcrossOf(options));
  const width = Math.ceil(window.width / factor), height = Math.ceil(window.height / factor);
  const name = typeof region === 'string' ? region.toLowerCase().replace(/[\s-]+/g, '_') : 'polygon';
  checkMemory(periods.length * width * height * 20, `the ${variable} layer${periods.length > 1 ? 's' : ''} of ${name} (${width} × ${height} cells)`, 'pass { max_cells_across: 1000 } for block means');
  const t = grid.transform;
  const transform = withTransform(t, { origin_x: t.origin_x + window.x * t.pixel_width, origin_y: t.origin_y + window.y * t.pixel_height, pixel_width: t.pixel_width * factor, pixel_height: t.pixel_height * factor });
  const share = variable === 'permafrost' ? ctx.shareOf('permafrost') : null;
  const slots = periods.map((p) => ctx.slotOf(variable, p));
  const sums = periods.map(() => new Float64Array(width * height)), weights = periods.map(() => new Float64Array(width * height));
  const area = new Float64Array(grid.width);
  // the blocks overlapping the region's window, decoded on the workers; the cells inside the window and the region summed here
  await forEachSlotBlock(ctx, slots, (k, { values, col, row, cols, rows }) => {
    const c0 = Math.max(col, window.x), c1 = Math.min(col + cols, window.x + window.width);
    for (let r = Math.max(0, window.y - row); r < rows && row + r < window.y + window.height; r++) {
      const y = row + r;
      // shares are area-weighted, as the shares kernel weighs them; other values are plain block means, as the means kernel takes them
      if (share) ctx.areas().row(y, c0, c1 - c0, area);
      const at = Math.floor((y - window.y) / factor) * width;
      for (let x = c0; x < c1; x++) {
        const v = values[r * cols + x - col];
        if (v !== v || !mask[y * grid.width + x]) continue;
        const w = share ? area[x - c0] : 1;
        const cell = at + Math.floor((x - window.x) / factor);
        sums[k][cell] += (share ? share(v) : v) * w;
        weights[k][cell] += w;
      }
    }
  }, options.on_progress, window);
  const out = periods.map((period, k): Layer => {
    const values = new Float32Array(width * height);
    for (let i = 0; i < values.length; i++) values[i] = weights[k][i] ? sums[k][i] / weights[k][i] : NaN;
    return { values, width, height, transform, crs: grid.crs, factor, period: parsePeriod(period)?.label ?? period, value: valueOf(variable), region: name };
  });
  return out;
}
