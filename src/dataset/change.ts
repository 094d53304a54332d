import type { Provenance } from '../provenance/provenance.js';
import { InputError, invalid } from '../errors.js';
import type { Variable } from './discover.js';
import { parsePeriod } from './periods.js';
import { forEachSlotBlock, forEachSlotPlace, type Context, type DatasetGrid } from './context.js';
import { frozenOf } from './groupPass.js';
import type { BlockChange } from '../stats/kernels.js';
import { checkMemory } from './memory.js';

/** Which two periods `ds.change` compares. */
export interface ChangeOptions {
  /** The earlier period, e.g. `1980-1984`. */
  from: string;
  /** The later period, e.g. `2015-2019`. */
  to: string;
}

/** A difference between two periods. */
export interface ChangeResult {
  variable: Variable;
  from: string;
  to: string;
  /** `to − from` per cell (NaN where either has no data). */
  difference: Float32Array;
  grid: DatasetGrid;
  /** Area-weighted mean change over cells valid in both, their area, and for permafrost (or MAGT below 0) the area lost and gained. */
  summary: { mean_change: number; valid_area_km2: number; lost_km2: number; gained_km2: number };
  /**
   * For permafrost, each cell's class: 1 never permafrost, 2 kept, 3 lost,
   * 4 gained, 0 no data; a cell counts as permafrost where its permafrost share is at least half.
   */
  classes?: Uint8Array;
  /** Where it came from (set by `ds.change`): written into the GeoTIFF by `changeRaster`. */
  provenance?: Provenance;
}

/**
 * The difference `to − from` of one variable, streamed block by block through the block engine (only the result is held),
 * with its area-weighted summary; for permafrost the area lost and gained counts each cell's
 * change of permafrost share (its coding: presence, fraction or zone class).
 */
export async function change(ctx: Context, variable: Variable, periods: ChangeOptions): Promise<ChangeResult> {
  const { grid } = ctx;
  if (!periods || typeof periods.from !== 'string' || typeof periods.to !== 'string') throw new InputError(invalid('periods', JSON.stringify(periods), "{ from: '1980-1984', to: '2015-2019' }"));
  const { from, to } = periods;
  const fromSlot = ctx.slotOf(variable, from), toSlot = ctx.slotOf(variable, to);
  // with the periods in two files, every block of `from` is merged before any of `to`; a cell that
  // no `to` block reaches (a block never written) has no difference
  const apart = fromSlot.raster !== toSlot.raster;
  const n = grid.width * grid.height;
  const classes = variable === 'permafrost' ? 1 : 0;
  checkMemory(n * (4 + classes + (apart ? 1 : 0)), `the ${variable} change ${from} → ${to} (${n.toLocaleString('en-US')} cells)`, 'summarize the two periods with ds.summarize, or take a region with ds.table(…, { region })');
  // `to − from` per cell; NaN until both periods of the cell were merged
  const difference = new Float32Array(n).fill(NaN);
  const classOf = classes ? new Uint8Array(n) : undefined;
  const share = variable === 'permafrost' || variable === 'magt' ? ctx.shareOf(variable) : null;
  let w = 0, sum = 0, lost = 0, gained = 0;
  const reached = apart ? new Uint8Array(n) : null;
  if (!apart) {
    // one file: each place's two bands decoded once on the workers, its differences and sums made there
    const frozen = share ? frozenOf(ctx, variable) : { frozen: 0 as const };
    await forEachSlotPlace<BlockChange>(ctx, [fromSlot, toSlot], (places) => ({ kernel: 'change', places, frozen, classes: !!classOf }), (_, b) => {
      for (let r = 0; r < b.rows; r++) {
        const at = (b.row + r) * grid.width + b.col;
        difference.set(b.difference.subarray(r * b.cols, (r + 1) * b.cols), at);
        if (classOf && b.classes) classOf.set(b.classes.subarray(r * b.cols, (r + 1) * b.cols), at);
      }
      w += b.area_km2; sum += b.sum; lost += b.lost_km2; gained += b.gained_km2;
    });
  } else {
    const areaRow = new Float64Array(grid.width);
    await forEachSlotBlock(ctx, [fromSlot, toSlot], (slot, { values, col, row, cols, rows }) => {
      for (let r = 0; r < rows; r++) {
        const at = (row + r) * grid.width + col;
        if (slot === 0) { difference.set(values.subarray(r * cols, (r + 1) * cols), at); continue; }
        ctx.areas().row(row + r, col, cols, areaRow);
        if (reached) reached.fill(1, at, at + cols);
        for (let c = 0; c < cols; c++) {
          const a = difference[at + c], b = values[r * cols + c];
          const d = b - a;
          difference[at + c] = d;
          if (d !== d) continue;
          const area = areaRow[c];
          w += area;
          sum += area * d;
          if (share) {
            const sa = share(a), sb = share(b);
            const ds = sb - sa;
            if (classOf) classOf[at + c] = sa >= 0.5 ? (sb >= 0.5 ? 2 : 3) : (sb >= 0.5 ? 4 : 1);
            if (ds < 0) lost -= area * ds;
            if (ds > 0) gained += area * ds;
          }
        }
      }
    });
  }
  if (reached) for (let i = 0; i < n; i++) if (!reached[i]) difference[i] = NaN;
  return { variable, from: parsePeriod(from)?.label ?? from, to: parsePeriod(to)?.label ?? to, difference, grid,
    summary: { mean_change: w ? sum / w : NaN, valid_area_km2: w, lost_km2: lost, gained_km2: gained }, ...(classOf ? { classes: classOf } : {}) };
}
