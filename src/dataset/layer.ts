import { parsePeriod } from './periods.js';
import { InputError, invalid } from '../errors.js';
import type { Transform } from '../geotiff/openRaster.js';
import type { Variable } from './discover.js';
import { addWindows, forEachSlotPlace, rowsOf, STRIP_ROWS, type Context } from './context.js';
import type { BlockMeans } from '../stats/kernels.js';
import { checkMemory } from './memory.js';

/** Options of `ds.layer`. */
export interface LayerOptions {
  /**
   * At most this many cells across: block means of `factor × factor` cells (NaN where a block has
   * no data), computed while streaming, so a map of the 1 km grid never holds the grid. Default: the full grid.
   */
  max_cells?: number;
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
}

/** One variable and period as a grid (block means when `max_cells` is smaller than the grid). */
export async function layer(ctx: Context, variable: Variable, period: string, options: LayerOptions = {}): Promise<Layer> {
  return (await layers(ctx, variable, [period], options))[0];
}

/**
 * Several periods of one variable as grids, for maps that step through them. Block means are
 * computed on the workers, tile by tile, each tile of a multi-band file decoded once for all its
 * periods; only the reduced grids are held.
 */
export async function layers(ctx: Context, variable: Variable, periods: string[], options: LayerOptions & { onProgress?: (fraction: number) => void } = {}): Promise<Layer[]> {
  const { grid } = ctx;
  const max_cells = options.max_cells ?? Math.max(grid.width, grid.height);
  if (!(Number.isInteger(max_cells) && max_cells >= 1)) throw new InputError(invalid('max_cells', options.max_cells, 'a whole number ≥ 1'));
  const factor = Math.max(1, Math.ceil(Math.max(grid.width, grid.height) / max_cells));
  const width = Math.ceil(grid.width / factor), height = Math.ceil(grid.height / factor);
  checkMemory(periods.length * width * height * 4 * (factor > 1 ? 5 : 1), `the ${variable} layer${periods.length > 1 ? 's' : ''} of ${periods.join(', ')} (${width} × ${height} cells)`,
    `pass { max_cells: 1000 } for block means, or read a region with ds.table(…, { region })`);
  const slots = periods.map((p) => ctx.slotOf(variable, p)); // names a bad variable or period before any work
  const t = grid.transform;
  const transform = { ...t, pixelWidth: t.pixelWidth * factor, pixelHeight: t.pixelHeight * factor };
  const made = (values: Float32Array, period: string): Layer => ({ values, width, height, transform, crs: grid.crs, factor, period: parsePeriod(period)?.label ?? period });
  if (factor === 1) {
    const out: Layer[] = [];
    for (const period of periods) {
      const values = new Float32Array(width * height);
      for (let y0 = 0; y0 < grid.height; y0 += STRIP_ROWS) {
        const h = Math.min(STRIP_ROWS, grid.height - y0);
        values.set(await rowsOf(ctx, variable, period, y0, h), y0 * grid.width);
      }
      out.push(made(values, period));
    }
    return out;
  }
  const sums = periods.map(() => new Float64Array(width * height));
  const counts = periods.map(() => new Float64Array(width * height));
  await forEachSlotPlace<BlockMeans>(ctx, slots, (places) => ({ kernel: 'means', places, factor }),
    (k, m) => { addWindows(sums[k], m.sums, m, width); addWindows(counts[k], m.counts, m, width); }, options.onProgress);
  return periods.map((period, k) => {
    const values = new Float32Array(width * height);
    for (let i = 0; i < values.length; i++) values[i] = counts[k][i] ? sums[k][i] / counts[k][i] : NaN;
    return made(values, period);
  });
}
