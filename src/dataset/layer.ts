import { parsePeriod } from './periods.js';
import { InputError, invalid } from '../errors.js';
import type { Transform } from '../geotiff/openRaster.js';
import type { Variable } from './discover.js';
import { rowsOf, STRIP_ROWS, type Context } from './context.js';
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

export async function layer(ctx: Context, variable: Variable, period: string, options: LayerOptions = {}): Promise<Layer> {
  const { grid } = ctx;
  const max_cells = options.max_cells ?? Math.max(grid.width, grid.height);
  if (!(Number.isInteger(max_cells) && max_cells >= 1)) throw new InputError(invalid('max_cells', options.max_cells, 'a whole number ≥ 1'));
  const factor = Math.max(1, Math.ceil(Math.max(grid.width, grid.height) / max_cells));
  const width = Math.ceil(grid.width / factor), height = Math.ceil(grid.height / factor);
  checkMemory(width * height * 4 * (factor > 1 ? 3 : 1), `the ${variable} layer of ${period} (${width} × ${height} cells)`,
    `pass { max_cells: 1000 } for block means, or read a region with ds.table(…, { region })`);
  ctx.slotOf(variable, period); // names a bad variable or period before any work
  const t = grid.transform;
  const transform = { ...t, pixelWidth: t.pixelWidth * factor, pixelHeight: t.pixelHeight * factor };
  if (factor === 1) {
    const values = new Float32Array(width * height);
    for (let y0 = 0; y0 < grid.height; y0 += STRIP_ROWS) {
      const h = Math.min(STRIP_ROWS, grid.height - y0);
      values.set(await rowsOf(ctx, variable, period, y0, h), y0 * grid.width);
    }
    return { values, width, height, transform, crs: grid.crs, factor, period: parsePeriod(period)?.label ?? period };
  }
  const sums = new Float64Array(width * height);
  const counts = new Float64Array(width * height);
  const strip = Math.max(1, Math.floor(STRIP_ROWS / factor)) * factor;
  for (let y0 = 0; y0 < grid.height; y0 += strip) {
    const h = Math.min(strip, grid.height - y0);
    const rows = await rowsOf(ctx, variable, period, y0, h);
    for (let r = 0; r < h; r++) {
      const base = Math.floor((y0 + r) / factor) * width;
      for (let c = 0; c < grid.width; c++) {
        const v = rows[r * grid.width + c];
        if (v !== v) continue;
        const k = base + Math.floor(c / factor);
        sums[k] += v;
        counts[k]++;
      }
    }
  }
  const values = new Float32Array(width * height);
  for (let k = 0; k < values.length; k++) values[k] = counts[k] ? sums[k] / counts[k] : NaN;
  return { values, width, height, transform, crs: grid.crs, factor, period: parsePeriod(period)?.label ?? period };
}
