// What a kernel task says of each place: where its block lies and what its cells weigh (StatsSpec),
// the bands taken from its blocks (Part), and how summaries group cells (GroupSpec). Shared by the
// kernels (kernels.ts, groupsKernel.ts, windowKernels.ts) and the verbs that make their tasks.
import { cellArea, type CellArea, type GridLike } from '../grid/cellArea.js';
import type { BlockLayout } from '../geotiff/decode.js';
import type { DataType } from '../geotiff/metadata.js';
import type { BlockJob, RasterInternals } from '../geotiff/openRaster.js';
import type { Place } from '../engine/pass.js';


/** Where a block lies in its image, and what its cells weigh: for `stats` tasks. */
export interface StatsSpec {
  grid: GridLike;
  dataType: DataType;
  noData: number | null;
  /** First column and row of the block in the image, and how many of its columns and rows are inside the image. */
  col: number;
  row: number;
  cols: number;
  rows: number;
}

/** Grouped accumulation for summaries: moments, permafrost area and a histogram per group of cells. */
export interface GroupSpec {
  /** Group of each cell of the grid (row-major), shared with every worker; null: one group. */
  labels: Uint16Array | null;
  groups: number;
  /** Histogram: lowest value, bin width, bins. */
  lo: number;
  width: number;
  bins: number;
  /**
   * Which values count as permafrost, and how much of a cell's area: 0 none, 1 a value of 1
   * (presence), 2 below 0 (MAGT), 3 a fraction (value × `frozenScale`, clamped to 0–1),
   * 4 classes (`frozenTable[value]`, the share of a class's area that is permafrost).
   */
  frozen: 0 | 1 | 2 | 3 | 4;
  frozenScale?: number;
  frozenTable?: number[];
  /** Weight factor (1 / periods when periods pool). */
  factor: number;
}

/**
 * One band taken from a decoded block: which block (`blob`), which sample of each pixel (the band
 * in a pixel-interleaved block, else 0) and the value transform (scale, offset); `blob` −1 is a block never written (all no data).
  */
export interface Part { blob: number; sample: number; scale: number; offset: number }

const areas = new Map<string, CellArea>();

let weightBuffer = new Float64Array(0);

/** Cell areas of the block's cells inside the image, row by row (a buffer reused between tasks). */
export function weightsFor(s: StatsSpec): Float64Array {
  const key = JSON.stringify(s.grid);
  let area = areas.get(key);
  if (!area) { area = cellArea(s.grid); areas.set(key, area); }
  const { cols, rows } = s;
  if (weightBuffer.length < cols * rows) weightBuffer = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) area.row(s.row + r, s.col, cols, weightBuffer.subarray(r * cols, (r + 1) * cols));
  return weightBuffer;
}

/** A place's parts for these bands, in their order: where each band's values are among the place's blobs, and their scale (blob −1: never written). */
export function partsOf(internals: Pick<RasterInternals, 'valueTransform'>, bands: number[], place: Place): Part[] {
  return bands.map((band, i) => {
    const job = place.jobs[i];
    return job ? { blob: place.blobOf[i], sample: job.sample, ...internals.valueTransform(band) } : { blob: -1, sample: 0, scale: 1, offset: 0 };
  });
}

/** What a kernel needs to know of a place: the grid (for cell areas), the raster's type and no data, and the block's position. */
export function placeSpec(grid: GridLike, raster: { dataType: DataType; noData: number | null }, first: BlockJob): StatsSpec {
  return {
    grid: { width: grid.width, height: grid.height, transform: grid.transform, crs: grid.crs }, dataType: raster.dataType, noData: raster.noData,
    col: first.col, row: first.row, cols: first.cols, rows: first.rows,
  };
}

/** One place of a task: the stored bytes of its blocks, how they are stored, where the place lies, and the bands (parts) to take from them. */
export interface PlaceInput { blobs: Uint8Array[]; layout: BlockLayout; spec: StatsSpec; parts: Part[] }

/** How the permafrost share of a cell is read from its value (GroupSpec's fields). */
export type Frozen = Pick<GroupSpec, 'frozen' | 'frozenScale' | 'frozenTable'>;

