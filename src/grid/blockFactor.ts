// How coarse a map gets: the block size that brings a grid to at most so many cells across, in one
// place for every verb and figure that reduces a grid to block means (ds.layer, mapFigure, predictMap).
import { InputError, invalid } from '../errors.js';

/** Options that bound a map by the cells across its longer side. */
export interface CellsAcrossOptions {
  /** At most this many cells across the longer side (block means of `factor × factor` cells). */
  max_cells_across?: number;
  /** @deprecated use `max_cells_across` (the same number; removed in the next release) */
  max_cells?: number;
}

/**
 * The `max_cells_across` of options, or the deprecated `max_cells` that meant the same, or undefined.
 * @example cellsAcrossOf({ max_cells: 200 }) // 200
 */
export function cellsAcrossOf(options: CellsAcrossOptions | undefined): number | undefined {
  return options?.max_cells_across ?? options?.max_cells;
}

/**
 * The side of the square blocks (in cells, at least 1) whose means bring a `width × height` grid to
 * at most `max_cells_across` cells on its longer side: `ceil(max(width, height) / max_cells_across)`.
 * Without `max_cells_across` the grid stays as it is (1). Refuses anything but a whole number ≥ 1.
 * @example blockFactor(10300, 10300, 1000) // 11: blocks of 11 × 11 cells, 937 across
 */
export function blockFactor(width: number, height: number, max_cells_across?: number): number {
  if (max_cells_across === undefined) return 1;
  if (!(Number.isInteger(max_cells_across) && max_cells_across >= 1)) throw new InputError(invalid('max_cells_across', max_cells_across, 'a whole number ≥ 1'));
  return Math.max(1, Math.ceil(Math.max(width, height) / max_cells_across));
}
