import * as aq from 'arquero';
import { InputError, invalid } from '../errors.js';
import type { Variable } from './discover.js';
import { parsePeriod } from './periods.js';
import { addWindows, forEachSlotBlock, forEachSlotPlace, type Context, type DatasetGrid } from './context.js';
import type { BlockShares } from '../stats/kernels.js';
import { frozenOf } from './groupPass.js';
import { checkMemory } from './memory.js';

/** The zone names by code. */
export const ZONES = ['none', 'isolated', 'sporadic', 'discontinuous', 'continuous'] as const;

/** Options of `ds.zonation`. */
export interface ZonationOptions {
  /** Cells per side of the coarser window. Default: the number of cells closest to 50 km. */
  window_cells?: number;
}

/** Permafrost zones. */
export interface ZonationResult {
  period: string;
  /** Per cell: 0 none, 1 isolated (0–10 %), 2 sporadic (10–50 %), 3 discontinuous (50–90 %), 4 continuous (90–100 %), 255 no data. */
  zone: Uint8Array;
  window_cells: number;
  grid: DatasetGrid;
  /** Per zone: the period and its mid-year, the area of land (km²) in the zone's windows, and of permafrost within them. */
  table: ReturnType<typeof aq.table>;
}

/**
 * Permafrost zones from the permafrost share of each coarser window (IPA map, Brown et al. 1997: continuous
 * 90–100 %, discontinuous 50–90 %, sporadic 10–50 %, isolated 0–10 %), streamed block by block
 * through the block engine; areas are true cell areas.
 */
export async function zonation(ctx: Context, period: string, options: ZonationOptions = {}): Promise<ZonationResult> {
  return zonationOf(ctx, period, options);
}

/**
 * The zone areas of every period (or of `periods`) as one table, as in `ds.zonation(period).table`
 * but without the per-cell zone grids: what a figure of zone areas over time needs.
 */
export async function zoneAreas(ctx: Context, options: ZonationOptions & { periods?: string[] } = {}): Promise<ReturnType<typeof aq.table>> {
  const { grid } = ctx;
  const size = windowCells(ctx, options);
  const variable: Variable = ctx.variables.includes('permafrost') ? 'permafrost' : 'magt';
  const periods = (options.periods ?? ctx.periods.map((p) => p.label)).map((p) => parsePeriod(p)?.label ?? p);
  const slots = periods.map((p) => ctx.slotOf(variable, p)); // names a bad period before any work
  // the windows' land and permafrost areas of every period, summed on the workers block by block
  const across = Math.ceil(grid.width / size), down = Math.ceil(grid.height / size);
  const land = periods.map(() => new Float64Array(across * down));
  const permafrost = periods.map(() => new Float64Array(across * down));
  const frozen = frozenOf(ctx, variable);
  await forEachSlotPlace<BlockShares>(ctx, slots, (places) => ({ kernel: 'shares', places, factor: size, frozen }),
    (k, m) => { addWindows(land[k], m.land, m, across); addWindows(permafrost[k], m.permafrost, m, across); });
  const tables = periods.map((label, k) => {
    const byZone = new Float64Array(5), pfByZone = new Float64Array(5);
    for (let i = 0; i < across * down; i++) {
      const t = land[k][i];
      if (t === 0) continue;
      const z = zoneOf(permafrost[k][i] / t);
      byZone[z] += t;
      pfByZone[z] += permafrost[k][i];
    }
    return zoneTable(ctx, label, byZone, pfByZone);
  });
  return tables.reduce((a, b) => a.concat(b));
}

/** The zone of a window from its permafrost share (the IPA map's classes): 0 none, 1 isolated … 4 continuous. */
function zoneOf(f: number): number {
  return f === 0 ? 0 : f < 0.1 ? 1 : f < 0.5 ? 2 : f < 0.9 ? 3 : 4;
}

function windowCells(ctx: Context, options: ZonationOptions): number {
  const size = options.window_cells ?? Math.max(1, Math.round(50_000 / ctx.grid.resolution_m));
  if (!Number.isInteger(size) || size < 1) throw new InputError(invalid('window_cells', size, 'a whole number ≥ 1'));
  return size;
}

function zoneTable(ctx: Context, label: string, land: Float64Array, permafrost: Float64Array): ReturnType<typeof aq.table> {
  const mid = ctx.periods.find((p) => p.label === label)?.mid_year ?? NaN;
  return aq.table({ period: ZONES.map(() => label), mid_year: ZONES.map(() => mid), zone: [...ZONES],
    region_area_km2: Array.from(land), permafrost_area_km2: Array.from(permafrost) });
}

async function zonationOf(ctx: Context, period: string, options: ZonationOptions): Promise<ZonationResult> {
  const { grid } = ctx;
  const size = windowCells(ctx, options);
  const variable: Variable = ctx.variables.includes('permafrost') ? 'permafrost' : 'magt';
  ctx.slotOf(variable, period);
  const n = grid.width * grid.height;
  checkMemory(n, `the permafrost zones of ${period} (${n.toLocaleString('en-US')} cells)`, 'use ds.zoneAreas() for the zone areas of every period');
  const frozen = ctx.shareOf(variable);
  const shares = Float64Array.from({ length: 256 }, (_, v) => frozen(v));
  // the windows' land and permafrost areas, summed block by block in place order; cells with data marked
  const across = Math.ceil(grid.width / size), down = Math.ceil(grid.height / size);
  const total = new Float64Array(across * down), pf = new Float64Array(across * down);
  const VALID = 254;
  const zone = new Uint8Array(n).fill(255);
  const areaRow = new Float64Array(grid.width);
  await forEachSlotBlock(ctx, [ctx.slotOf(variable, period)], (_, { values, col, row, cols, rows }) => {
    for (let r = 0; r < rows; r++) {
      ctx.areas().row(row + r, col, cols, areaRow);
      const windows = Math.floor((row + r) / size) * across;
      const at = (row + r) * grid.width + col;
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c];
        if (v !== v) continue;
        const k = windows + Math.floor((col + c) / size);
        const a = areaRow[c];
        total[k] += a;
        // small whole numbers (presence, classes, percentages) through a table, anything else through the coding
        pf[k] += a * (v >= 0 && v < 256 && (v | 0) === v ? shares[v] : frozen(v));
        zone[at + c] = VALID;
      }
    }
  });
  const land = new Float64Array(5);
  const permafrost = new Float64Array(5);
  const zoneOfWindow = new Uint8Array(across * down);
  for (let k = 0; k < across * down; k++) {
    if (total[k] === 0) continue;
    const z = zoneOf(pf[k] / total[k]);
    zoneOfWindow[k] = z;
    land[z] += total[k];
    permafrost[z] += pf[k];
  }
  for (let row = 0; row < grid.height; row++) {
    const windows = Math.floor(row / size) * across;
    for (let c = 0, at = row * grid.width; c < grid.width; c++, at++) if (zone[at] === VALID) zone[at] = zoneOfWindow[windows + Math.floor(c / size)];
  }
  const label = parsePeriod(period)?.label ?? period;
  return { period: label, zone, window_cells: size, grid, table: zoneTable(ctx, label, land, permafrost) };
}
