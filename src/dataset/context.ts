import { RASTER_INTERNALS, type BBox, type BlockJob, type Raster, type RasterInternals } from '../geotiff/openRaster.js';
import type { BlockLayout } from '../geotiff/decode.js';
import type { Part, StatsSpec } from '../stats/kernels.js';
import { forEachPlace } from '../engine/places.js';
import { kernelPool, PLACES_PER_WORKER } from '../engine/pool.js';
import type { CellArea, GridLike } from '../grid/cellArea.js';
import type { LonLatGrid } from '../grid/lonLat.js';
import type { Variable } from './discover.js';
import type { Period } from './periods.js';

/** The grid every file of a dataset shares. */
export interface DatasetGrid extends GridLike {
  epsg: number | null;
  resolution_m: number;
  bbox: BBox;
}

/** What the dataset's verbs (one file each) share: the state of an open dataset. */
export interface Context {
  grid: DatasetGrid;
  periods: Period[];
  variables: Variable[];
  slotOf: (variable: Variable, period: string) => { raster: Raster; band: number };
  lonLats: () => LonLatGrid;
  areas: () => CellArea;
  where: string;
  /** How the permafrost layer codes permafrost (GroupSpec.frozen for the permafrost variable). */
  frozen?: { mode: 1 | 3 | 4; scale: number; table: number[] };
  /** The share of a cell that is permafrost, from a value of `variable` (its coding, or MAGT below 0). */
  shareOf: (variable: Variable) => (v: number) => number;
}

/** The reader's block-level access, which this package's streaming passes use. */
export function internalsOf(raster: Raster): RasterInternals {
  return (raster as unknown as { [RASTER_INTERNALS]: RasterInternals })[RASTER_INTERNALS];
}

/**
 * Rows `y0 … y0 + height` of one variable and period as floats, NaN where there is no data,
 * stored values scaled (GDAL scale and offset, unit conversions).
 */
export async function rowsOf(ctx: Context, variable: Variable, period: string, y0: number, height: number, x0 = 0, width = ctx.grid.width): Promise<Float32Array> {
  const { raster, band } = ctx.slotOf(variable, period);
  const [stored] = await raster.read({ window: { x: x0, y: y0, width, height }, bands: [band], raw: true });
  const { scale, offset } = internalsOf(raster).valueTransform(band);
  const out = stored instanceof Float32Array ? stored : new Float32Array(stored.length);
  const noData = raster.noData;
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i];
    out[i] = v === noData || v !== v ? NaN : v * scale + offset;
  }
  return out;
}

/** Rows per strip when a verb streams over the grid. */
export const STRIP_ROWS = 256;

/**
 * The parts of one place for these bands, in their order, for the block engine: where each band's
 * values are among the place's blobs, and their scale; a band whose block was never written
 * (sparse) is all no data (blob −1).
 */
export function partsOf(internals: RasterInternals, bands: number[], stored: BlockJob[], blobOf: number[]): Part[] {
  return bands.map((band) => {
    const i = stored.findIndex((j) => j.band === band);
    return i < 0 ? { blob: -1, sample: 0, scale: 1, offset: 0 } : { blob: blobOf[i], sample: stored[i].sample, ...internals.valueTransform(band) };
  });
}

/** What a kernel needs to know of a place: the grid (for cell areas), the raster's type and no data, and the block's position. */
export function placeSpec(grid: DatasetGrid, raster: Raster, first: BlockJob): StatsSpec {
  return {
    grid: { width: grid.width, height: grid.height, transform: grid.transform, crs: grid.crs }, dataType: raster.dataType, noData: raster.noData,
    col: first.col, row: first.row, cols: first.cols, rows: first.rows,
  };
}

/** Where a variable's period is stored. */
export type Slot = { raster: Raster; band: number };

/**
 * The places of the files holding these slots (periods of a variable), each tile decoded once for
 * all the slots of its file: `run` gets a place's blocks and parts (one per slot of that file, in
 * order) and returns one result per part, which `add` receives with the slot's index.
 */
export async function forEachSlotPlace<R>(ctx: Context, slots: Slot[],
  run: (blobs: Uint8Array[], parts: Part[], layout: BlockLayout, spec: StatsSpec) => Promise<R[]>,
  add: (slot: number, result: R) => void, onProgress?: (fraction: number) => void): Promise<void> {
  let done = 0;
  for (const raster of new Set(slots.map((s) => s.raster))) {
    const mine = slots.map((s, k) => ({ ...s, k })).filter((s) => s.raster === raster);
    const internals = internalsOf(raster);
    const jobs = internals.blocks(mine.map((s) => s.band));
    await forEachPlace(internals, jobs, kernelPool().size * PLACES_PER_WORKER, async (stored, blobs, blobOf) => {
      const results = await run(blobs, partsOf(internals, mine.map((s) => s.band), stored, blobOf), internals.layoutOf(stored[0]), placeSpec(ctx.grid, raster, stored[0]));
      results.forEach((result, j) => add(mine[j].k, result));
    }, { where: ctx.where, onProgress: (n) => onProgress?.((done + (n / jobs.length) * mine.length) / slots.length) });
    done += mine.length;
  }
}

/** Adds one block's sums over coarse windows (`c0`, `r0`, `w` × `h` of them) into a grid of windows `width` across. */
export function addWindows(into: Float64Array, from: Float64Array, m: { c0: number; r0: number; w: number; h: number }, width: number): void {
  for (let r = 0; r < m.h; r++) {
    const at = (m.r0 + r) * width + m.c0;
    for (let c = 0; c < m.w; c++) into[at + c] += from[r * m.w + c];
  }
}
