import type { BBox, Raster, RasterInternals } from '../geotiff/openRaster.js';
import { blockAccessOf } from '../geotiff/blockAccess.js';
import { storedValues } from '../geotiff/valueTransforms.js';
import { KERNEL_MODULE, partsOf, placeSpec, type BlockValues, type KernelTask, type PlaceInput } from '../stats/kernels.js';
import { runPass, type PassFile } from '../engine/pass.js';
import type { CellArea, GridLike } from '../grid/cellArea.js';
import type { LonLatGrid } from '../grid/lonLat.js';
import type { Variable } from './discover.js';
import type { Period } from './periods.js';
import { asNumbers } from '../geotiff/metadata.js';

/** The grid every file of a dataset shares. */
export interface DatasetGrid extends GridLike {
  epsg: number | null;
  /** Cell size in metres; on a longitude/latitude grid, the north–south size of a cell (degrees × 111.32 km). */
  resolution_m: number;
  /** Cell size in degrees on a longitude/latitude grid, else null. */
  resolution_deg: number | null;
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
  /** What the dataset keeps between calls: the latest grouped passes (groupPass.ts), newest first. */
  memo: { partials: unknown[] };
}

/** The reader's block-level access, which this package's streaming passes use. */
export function internalsOf(raster: Raster): RasterInternals {
  return blockAccessOf(raster);
}

/** Rows `y0 … y0 + height` of one band (a slot) as floats, NaN where there is no data, stored values scaled. */
export async function slotRows({ raster, band }: Slot, y0: number, height: number, x0 = 0, width = raster.width): Promise<Float32Array> {
  const [stored] = asNumbers(await raster.read({ window: { x: x0, y: y0, width, height }, bands: [band], raw: true }));
  const { scale, offset } = internalsOf(raster).valueTransform(band);
  return storedValues(stored, stored instanceof Float32Array ? stored : new Float32Array(stored.length), raster.nodata, scale, offset);
}

/** Rows per strip when a verb streams over the grid. */
export const STRIP_ROWS = 256;

/** Where a variable's period is stored. */
export type Slot = { raster: Raster; band: number };

/**
 * A pass of the block engine over the places of the files holding these slots (periods of a
 * variable), each tile decoded once for all the slots of its file: `task` makes the kernel's task
 * for some places, and `add` receives each place's result for each slot (with the slot's index),
 * in place order. With `window`, only the places overlapping it (pixels of the grid).
 */
export async function forEachSlotPlace<R>(ctx: Context, slots: Slot[], task: (places: PlaceInput[]) => KernelTask,
  add: (slot: number, result: R) => void, onProgress?: (fraction: number) => void, window?: PassFile['window']): Promise<void> {
  const rasters = [...new Set(slots.map((s) => s.raster))];
  const mine = rasters.map((raster) => slots.map((s, k) => ({ ...s, k })).filter((s) => s.raster === raster));
  const files = rasters.map((raster, f) => ({ internals: internalsOf(raster), bands: mine[f].map((s) => s.band), name: raster.source, window }));
  await runPass<R[][], Omit<PlaceInput, 'blobs'>>({
    files, module: KERNEL_MODULE,
    describe: (place) => {
      const { internals, bands } = files[place.file];
      return { layout: internals.layoutOf(place.first), spec: placeSpec(ctx.grid, rasters[place.file], place.first), parts: partsOf(internals, bands, place) };
    },
    task: (places) => task(places),
    merge: (results, places) => results.forEach((perPart, i) => perPart.forEach((result, j) => add(mine[places[i].file][j].k, result))),
    on_progress: onProgress,
  });
}

/**
 * Every cell of these slots, block by block, through the block engine (decoded and scaled on the
 * workers, NaN where there is no data): `add` receives each block of each slot in place order. A
 * block never written is not visited when its file holds no other slot's block there.
 */
export function forEachSlotBlock(ctx: Context, slots: Slot[], add: (slot: number, block: BlockValues) => void,
  onProgress?: (fraction: number) => void, window?: PassFile['window']): Promise<void> {
  return forEachSlotPlace<BlockValues>(ctx, slots, (places) => ({ kernel: 'values', places }), add, onProgress, window);
}

/** Adds one block's sums over coarse windows (`c0`, `r0`, `w` × `h` of them) into a grid of windows `width` across. */
export function addWindows(into: Float64Array, from: Float64Array, m: { c0: number; r0: number; w: number; h: number }, width: number): void {
  for (let r = 0; r < m.h; r++) {
    const at = (m.r0 + r) * width + m.c0;
    for (let c = 0; c < m.w; c++) into[at + c] += from[r * m.w + c];
  }
}
